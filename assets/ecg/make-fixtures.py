#!/usr/bin/env python3
"""Synthetic ECG fixtures of known rate for the Imaging ECG tests.

Run once (needs `pip install neurokit2`); the outputs are committed so tests need no Python:
    python3 assets/ecg/make-fixtures.py
Each JSON file follows assets/ecg/ecg-json-format.md with 8 leads (I, II, V1-V6; the parser
derives the other limb leads) at 250 Hz for 10 s, integers in uV. neurokit2 simulates one
waveform; the leads are scaled copies of it, which is enough for rate detection and rendering.
`expected.json` records neurokit2's own R-peak rate for each file, which the tests compare with.
"""
import json
import pathlib

import neurokit2 as nk
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent / "fixtures"
RATE = 250
DURATION = 10
# Lead gains relative to lead II: a plausible 12-lead look (V1 mostly negative, V4 tallest).
GAINS = {"I": 0.6, "II": 1.0, "V1": -0.5, "V2": 0.4, "V3": 0.8, "V4": 1.3, "V5": 1.1, "V6": 0.9}


def simulate(heart_rate, seed):
    signal = nk.ecg_simulate(duration=DURATION, sampling_rate=RATE, heart_rate=heart_rate,
                             noise=0.01, random_state=seed, method="ecgsyn")
    return np.asarray(signal) * 1000.0  # mV -> uV


def with_pause(seed):
    """75 bpm with 3.5 s of flat line inserted after a T wave: a sinus pause (RR about 4.3 s).
    The cut sits 0.5 s after an R peak, on the baseline, so the splice adds no step."""
    base = simulate(75, seed)
    _, info = nk.ecg_peaks(nk.ecg_clean(base, sampling_rate=RATE), sampling_rate=RATE)
    peak = next(p for p in info["ECG_R_Peaks"] if p >= 3.5 * RATE)
    cut = int(peak + 0.5 * RATE)
    flat = np.full(int(3.5 * RATE), base[cut])
    return np.concatenate([base[:cut], flat, base[cut:]])[: DURATION * RATE]


def leads(signal):
    return {name: [int(round(v * gain)) for v in signal] for name, gain in GAINS.items()}


def measured_rate(signal):
    _, info = nk.ecg_peaks(nk.ecg_clean(signal, sampling_rate=RATE), sampling_rate=RATE)
    peaks = np.asarray(info["ECG_R_Peaks"])
    intervals = np.diff(peaks) / RATE
    return {"rate": round(60.0 / float(np.mean(intervals)), 2), "peaks": len(peaks),
            "longestRR": round(float(np.max(intervals)), 3)}


def document(name, signal, interpretation):
    return {
        "format": "huimin-ecg/1",
        "deviceId": "SIM-" + name.upper(),
        "recordedAt": "2026-11-22T09:30:00+08:00",
        "samplingRate": RATE,
        "units": "uV",
        "leads": leads(signal),
        "interpretation": interpretation,
        "patient": {"id": "P-" + name},
    }


def write_aecg(path, signal, heart_rate):
    """The same waveform as an HL7 aECG (2005 Implementation Guide structure), 5 uV per digit."""
    scale = 5
    components = []
    for name, gain in GAINS.items():
        code = "MDC_ECG_LEAD_" + name.upper()
        digits = " ".join(str(int(round(v * gain / scale))) for v in signal)
        components.append(f"""          <component>
            <sequence>
              <code code="{code}" codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"/>
              <value xsi:type="SLIST_PQ">
                <origin value="0" unit="uV"/>
                <scale value="{scale}" unit="uV"/>
                <digits>{digits}</digits>
              </value>
            </sequence>
          </component>""")
    measurements = {"MDC_ECG_HEART_RATE": (heart_rate, "bpm"), "MDC_ECG_TIME_PD_PR": (160, "ms"),
                    "MDC_ECG_TIME_PD_QRS": (88, "ms"), "MDC_ECG_TIME_PD_QT": (380, "ms"),
                    "MDC_ECG_TIME_PD_QTc": (402, "ms"), "MDC_ECG_ANGLE_QRS_FRONT": (45, "deg")}
    annotations = "\n".join(f"""          <component>
            <annotation>
              <code code="{code}" codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"/>
              <value xsi:type="PQ" value="{value}" unit="{unit}"/>
            </annotation>
          </component>""" for code, (value, unit) in measurements.items())
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <id root="2.16.840.1.113883.3.1234.1" extension="aecg-sim-{heart_rate}"/>
  <code code="93000" codeSystem="2.16.840.1.113883.6.12" codeSystemName="CPT-4"/>
  <effectiveTime>
    <low value="20261122093000.000"/>
    <high value="20261122093010.000"/>
  </effectiveTime>
  <componentOf>
    <timepointEvent>
      <componentOf>
        <subjectAssignment>
          <subject>
            <trialSubject>
              <id root="2.16.840.1.113883.3.1234.2" extension="P-aecg"/>
              <subjectDemographicPerson>
                <name>Zhang San</name>
              </subjectDemographicPerson>
            </trialSubject>
          </subject>
        </subjectAssignment>
      </componentOf>
    </timepointEvent>
  </componentOf>
  <component>
    <series>
      <code code="RHYTHM" codeSystem="2.16.840.1.113883.5.4"/>
      <effectiveTime>
        <low value="20261122093000.000"/>
        <high value="20261122093010.000"/>
      </effectiveTime>
      <author>
        <seriesAuthor>
          <manufacturedSeriesDevice>
            <id root="2.16.840.1.113883.3.1234.3" extension="CART-AECG-01"/>
            <manufacturerModelName>SimCart 1</manufacturerModelName>
          </manufacturedSeriesDevice>
        </seriesAuthor>
      </author>
      <component>
        <sequenceSet>
          <component>
            <sequence>
              <code code="TIME_ABSOLUTE" codeSystem="2.16.840.1.113883.5.4"/>
              <value xsi:type="GLIST_TS">
                <head value="20261122093000.000"/>
                <increment value="{1 / RATE}" unit="s"/>
              </value>
            </sequence>
          </component>
{chr(10).join(components)}
        </sequenceSet>
      </component>
      <subjectOf>
        <annotationSet>
{annotations}
          <component>
            <annotation>
              <code code="MDC_ECG_INTERPRETATION" codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"/>
              <component>
                <annotation>
                  <code code="MDC_ECG_INTERPRETATION_STATEMENT" codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"/>
                  <value xsi:type="ST">Sinus rhythm</value>
                </annotation>
              </component>
              <component>
                <annotation>
                  <code code="MDC_ECG_INTERPRETATION_STATEMENT" codeSystem="2.16.840.1.113883.6.24" codeSystemName="MDC"/>
                  <value xsi:type="ST">正常心电图</value>
                </annotation>
              </component>
            </annotation>
          </component>
        </annotationSet>
      </subjectOf>
    </series>
  </component>
</AnnotatedECG>
"""
    path.write_text(xml, encoding="utf-8")


def main():
    HERE.mkdir(exist_ok=True)
    cases = {
        "sinus-60": (simulate(60, 1), ["Sinus rhythm"]),
        "sinus-75": (simulate(75, 2), ["Sinus rhythm", "Normal ECG"]),
        "tachy-120": (simulate(120, 3), ["Sinus tachycardia"]),
        "tachy-160": (simulate(160, 4), ["Supraventricular tachycardia"]),
        "brady-35": (simulate(35, 5), ["Marked sinus bradycardia"]),
        "pause-3.5s": (with_pause(6), ["Sinus rhythm with pause"]),
        "vf-statement-75": (simulate(75, 7), ["Ventricular fibrillation", "心室颤动"]),
    }
    expected = {}
    for name, (signal, interpretation) in cases.items():
        (HERE / f"{name}.json").write_text(json.dumps(document(name, signal, interpretation), ensure_ascii=False,
                                                      separators=(",", ":")), encoding="utf-8")
        expected[name] = measured_rate(signal)
    write_aecg(HERE / "sinus-75.aecg.xml", cases["sinus-75"][0], 75)
    expected["sinus-75.aecg"] = expected["sinus-75"]
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
