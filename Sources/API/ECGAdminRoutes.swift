import Database
import ECGArchive
import Foundation
import HuiminCore
import Hummingbird
import Residents

/// `/api/v1/staff/ecg-devices` and `/api/v1/staff/alert-contacts`: administrators register carts
/// (issuing each its key) and say who is phoned about critical values.
struct ECGAdminRoutes {
    let services: HuiminServices

    struct DeviceBody: Decodable { let deviceCode: String; let hospitalCode: String; let model: String? }
    struct DevicesEnvelope: Encodable, Sendable { let devices: [DeviceView] }
    struct DeviceView: Encodable, Sendable {
        let deviceCode: String
        let hospitalCode: String
        let model: String
        let enabled: Bool
        let createdAt: Date

        init(_ row: ECGDeviceRow) {
            deviceCode = row.deviceCode
            hospitalCode = row.hospitalCode
            model = row.model
            enabled = row.enabled
            createdAt = row.createdAt
        }
    }
    struct ContactBody: Decodable { let hospitalCode: String; let role: String; let label: String; let phone: String }
    struct ContactView: Encodable, Sendable {
        let id: String
        let hospitalCode: String
        let role: String
        let label: String
        let phone: String
        let enabled: Bool
    }
    struct ContactsEnvelope: Encodable, Sendable { let contacts: [ContactView] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("ecg-devices") { request, context in
            let staff = try await admin(request)
            let body = try await request.json(DeviceBody.self, context: context)
            return JSONResponse(try await services.ecg.devices.register(deviceCode: body.deviceCode, hospitalCode: body.hospitalCode,
                                                                        model: body.model ?? "", actor: .staff(staff.id)),
                                status: .created)
        }
        router.get("ecg-devices") { request, _ in
            _ = try await admin(request)
            return JSONResponse(DevicesEnvelope(devices: try await services.ecg.store.devices().map(DeviceView.init)))
        }
        for (action, enabled) in [("enable", true), ("disable", false)] {
            router.post("ecg-devices/:device/\(action)") { request, context in
                let staff = try await admin(request)
                let row = try await services.ecg.store.setDeviceEnabled(try context.parameters.require("device"), enabled: enabled,
                                                                        actor: .staff(staff.id), now: services.clock.now())
                return JSONResponse(DeviceView(row))
            }
        }
        router.post("alert-contacts") { request, context in
            let staff = try await admin(request)
            let body = try await request.json(ContactBody.self, context: context)
            guard ["clinic", "ecg_centre"].contains(body.role) else {
                throw AppError.invalid("alert_contact_role_invalid", "role is clinic or ecg_centre.")
            }
            let phone = try PhoneNumber(body.phone)
            let row = try await services.ecg.store.addContact(
                hospitalCode: body.hospitalCode, role: body.role, label: String(body.label.prefix(60)),
                phoneSealed: Data(try services.crypto.seal(Array(phone.value.utf8))), actor: .staff(staff.id), now: services.clock.now())
            return JSONResponse(try view(row), status: .created)
        }
        router.get("alert-contacts") { request, _ in
            _ = try await admin(request)
            return JSONResponse(ContactsEnvelope(contacts: try await services.ecg.store.contacts().map(view)))
        }
        router.delete("alert-contacts/:contact") { request, context in
            let staff = try await admin(request)
            try await services.ecg.store.disableContact(try context.parameters.require("contact"), actor: .staff(staff.id),
                                                        now: services.clock.now())
            return Response(status: .noContent)
        }
    }

    private func admin(_ request: Request) async throws -> StaffService.Staff {
        let staff = try await services.staffUser(request)
        guard staff.role == "admin" else {
            throw AppError.forbidden("role_forbidden", "Only administrators register carts and alert contacts.")
        }
        return staff
    }

    /// Phones are shown masked, even to administrators: they only need to recognise them.
    private func view(_ row: AlertContactRow) throws -> ContactView {
        let phone: String
        do {
            phone = Masking.phone(String(decoding: try services.crypto.open(Array(row.phoneSealed)), as: UTF8.self))
        } catch {
            throw AppError.internalError
        }
        return ContactView(id: row.id, hospitalCode: row.hospitalCode, role: row.role, label: row.label, phone: phone, enabled: row.enabled)
    }
}
