import Foundation

/// Writes channel lines in the channels' real file formats (used by the generator, tests and
/// the benchmark). Fees: WeChat prints 手续费 as the exact 0.6% with 5 decimals (sub-fen values
/// included), Alipay prints 服务费 negative in fen.
public enum BillWriters {
    public static let feePerMille: Int64 = 6

    /// The fee the channel charges on `fen` in thousandths of a fen (0.6%).
    static func feeMilli(_ fen: Int64) -> Int64 { fen * feePerMille }

    static let wechatHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
        + "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
        + "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
    static let wechatSummaryHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"

    /// A WeChat Pay v3 ALL trade bill (UTF-8, CRLF, backtick-prefixed values, summary rows).
    public static func wechat(_ b: RecordBatch) -> [UInt8] {
        var w = ByteWriter(capacity: b.count * 300 + 1024)
        w.ascii(wechatHeader); w.ascii("\r\n")
        var settled: Int64 = 0, refunded: Int64 = 0, fees: Int64 = 0, ordered: Int64 = 0, requested: Int64 = 0
        let productName = Array("`挂号费,`".utf8)
        for i in 0..<b.count {
            let refund = b.kinds[i] == 1
            let status = RecordStatus(code: b.statuses[i])
            let amount = b.amounts[i]
            let fee = refund ? -feeMilli(amount) : feeMilli(amount)
            w.byte(96); w.time(b.times[i]); w.ascii(",`wx8888888888888888,`")
            w.ascii(b.merchantNames[Int(b.merchants[i])]); w.ascii(",`0,`,`")
            if !refund { w.ref(b, b.sourceIds[i]) }
            w.ascii(",`"); w.ref(b, b.tradeNos[i]); w.ascii(",`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`")
            w.ascii(refund ? "REFUND" : (status == .revoked ? "REVOKED" : "SUCCESS"))
            w.ascii(",`OTHERS,`CNY,`")
            w.decimal(refund ? 0 : amount, decimals: 2); w.ascii(",`0.00,`")
            if refund { w.ref(b, b.sourceIds[i]) } else { w.byte(48) }
            w.ascii(",`")
            if refund { w.ref(b, b.refundNos[i]) } else { w.byte(48) }
            w.ascii(",`"); w.decimal(refund ? amount : 0, decimals: 2); w.ascii(",`0.00,`")
            if refund { w.ascii("ORIGINAL,`"); w.ascii(status == .pending ? "PROCESSING" : (status == .failed ? "ABNORMAL" : "SUCCESS")) }
            else { w.byte(44); w.byte(96) }
            w.byte(44); w.raw(productName); w.ascii(",`")
            w.decimal(fee, decimals: 5); w.ascii(",`0.60%,`")
            w.decimal(refund ? 0 : amount, decimals: 2); w.ascii(",`"); w.decimal(refund ? amount : 0, decimals: 2)
            w.ascii(",`\r\n")
            if refund { refunded += amount; requested += amount } else { settled += amount; ordered += amount }
            fees += fee
        }
        w.ascii(wechatSummaryHeader); w.ascii("\r\n`"); w.int(Int64(b.count)); w.ascii(",`"); w.decimal(settled, decimals: 2)
        w.ascii(",`"); w.decimal(refunded, decimals: 2); w.ascii(",`0.00,`"); w.decimal(fees, decimals: 5)
        w.ascii(",`"); w.decimal(ordered, decimals: 2); w.ascii(",`"); w.decimal(requested, decimals: 2); w.ascii("\r\n")
        return w.bytes
    }

    static let alipayHeader = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
        + "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
        + "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"

    /// The Alipay 业务明细 CSV (GBK) and its 汇总 CSV for `pid` and `day` (YYYY-MM-DD).
    public static func alipayFiles(_ b: RecordBatch, pid: String, day: String) -> (detail: [UInt8], summary: [UInt8]) {
        let gbk = TextEncoding.gb18030
        let compact = day.replacingOccurrences(of: "-", with: "")
        var w = ByteWriter(capacity: b.count * 200 + 1024)
        let y = day.prefix(4), m = day.dropFirst(5).prefix(2), d = day.suffix(2)
        let next = DayNumber.string((DayNumber.parse(day) ?? 0) + 1)
        w.raw(gbk.encode("#支付宝业务明细查询\r\n#账号：[\(pid)0156]\r\n#起始日期：[\(y)年\(m)月\(d)日 00:00:00]   终止日期：["
            + "\(next.prefix(4))年\(next.dropFirst(5).prefix(2))月\(next.suffix(2))日 00:00:00]\r\n"
            + "#-----------------------------------------业务明细列表----------------------------------------\r\n"
            + alipayHeader + "\r\n"))
        let trade = gbk.encode("交易"), refundWord = gbk.encode("退款"), product = gbk.encode("挂号费")
        var payCount = 0, refundCount = 0
        var paySettled: Int64 = 0, refundSettled: Int64 = 0, fees: Int64 = 0
        for i in 0..<b.count {
            let refund = b.kinds[i] == 1
            let amount = refund ? -b.amounts[i] : b.amounts[i]
            let fee = refund ? (b.amounts[i] * feePerMille + 500) / 1000 : -((b.amounts[i] * feePerMille + 500) / 1000)
            w.ref(b, b.sourceIds[i]); w.byte(9); w.byte(44); w.ref(b, b.tradeNos[i]); w.byte(9); w.byte(44)
            w.raw(refund ? refundWord : trade); w.byte(44); w.raw(product); w.byte(44)
            w.time(b.times[i]); w.byte(44); w.time(b.times[i])
            w.ascii(",,,,,208****1234,"); w.decimal(amount, decimals: 2); w.byte(44); w.decimal(amount, decimals: 2)
            w.ascii(",0.00,0.00,0.00,0.00,0.00,,0.00,0.00,")
            if refund { w.ref(b, b.refundNos[i]); w.byte(9) }
            w.byte(44); w.decimal(fee, decimals: 2); w.ascii(",0.00,\r\n")
            if refund { refundCount += 1; refundSettled += amount } else { payCount += 1; paySettled += amount }
            fees += fee
        }
        w.raw(gbk.encode("#-----------------------------------------业务明细列表结束------------------------------------\r\n"
            + "#交易合计：\(payCount)笔，商家实收共\(Bytes.yuan(paySettled))元，商家优惠共0.00元\r\n"
            + "#退款合计：\(refundCount)笔，商家实收共\(Bytes.yuan(refundSettled))元，商家优惠共0.00元\r\n"
            + "#导出时间：[\(day) 10:05:00]\r\n"))
        let net = paySettled + refundSettled
        let summary = gbk.encode("#支付宝业务汇总查询\r\n#账号：[\(pid)0156]\r\n"
            + "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,"
            + "卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）\r\n"
            + "合计,,\(payCount),\(refundCount),\(Bytes.yuan(net)),\(Bytes.yuan(net)),0.00,0.00,0.00,\(Bytes.yuan(fees)),0.00,"
            + "\(Bytes.yuan(net + fees))\r\n#导出时间：[\(day) 10:05:00]\r\n")
        _ = compact
        return (w.bytes, summary)
    }

    /// The zip Alipay serves: `{pid}0156_{yyyyMMdd}_业务明细.csv` and `…_业务明细(汇总).csv`,
    /// names in GBK without the UTF-8 flag.
    public static func alipayZip(_ b: RecordBatch, pid: String, day: String, level: Int32 = 6) -> [UInt8] {
        let (detail, summary) = alipayFiles(b, pid: pid, day: day)
        let compact = day.replacingOccurrences(of: "-", with: "")
        let gbk = TextEncoding.gb18030
        return ZipArchive.create([
            (gbk.encode("\(pid)0156_\(compact)_业务明细.csv"), false, detail),
            (gbk.encode("\(pid)0156_\(compact)_业务明细(汇总).csv"), false, summary),
        ], level: level)
    }

    /// The HIS settlement file (UTF-8, TOTAL trailer).
    public static func his(_ b: RecordBatch) -> [UInt8] {
        var w = ByteWriter(capacity: b.count * 120 + 256)
        w.ascii(HISSettlementFile.columns.joined(separator: ",")); w.byte(10)
        var payments: Int64 = 0, refunds: Int64 = 0
        let cashier = Array("自助机01".utf8)
        for i in 0..<b.count {
            let refund = b.kinds[i] == 1
            if refund { refunds += b.amounts[i] } else { payments += b.amounts[i] }
            w.ref(b, b.sourceIds[i]); w.byte(44); w.ref(b, b.tradeNos[i]); w.byte(44); w.ref(b, b.refundNos[i])
            w.ascii(refund ? ",refund," : ",payment,"); w.int(b.amounts[i]); w.byte(44); w.time(b.times[i]); w.byte(44)
            w.ascii(PaymentChannel(code: b.channels[i]).rawValue); w.byte(44); w.ascii(b.merchantNames[Int(b.merchants[i])])
            w.ascii(refund ? ",refund," : ",registration,"); w.ref(b, b.businessRefs[i]); w.byte(44); w.raw(cashier); w.byte(10)
        }
        w.ascii("TOTAL,"); w.int(Int64(b.count)); w.byte(44); w.int(payments); w.byte(44); w.int(refunds); w.byte(10)
        return w.bytes
    }
}
