"""Drives Huimin's DICOMweb with the dicomweb-client package, as a viewer or a script would.

usage: dicomweb-client-check.py BASE_URL TOKEN SAMPLES_DIR
Stores sample files of several transfer syntaxes (STOW-RS), finds them (QIDO-RS), and reads them
back (WADO-RS instance, metadata, frames, rendered) comparing with the originals. Exits non-zero
on the first mismatch, printing what differed.
"""
import io
import sys

base, token, samples = sys.argv[1], sys.argv[2], sys.argv[3]
run = "%d" % __import__("os").getpid()
sys.path.insert(0, samples)  # the pydicom that .ci/deps installs beside the build
import pydicom  # noqa: E402
from dicomweb_client.api import DICOMwebClient  # noqa: E402

FILES = [
    "pydicom/data/test_files/CT_small.dcm",  # Explicit VR LE
    "pydicom/data/test_files/MR_small.dcm",
    "pydicom/data/test_files/MR_small_RLE.dcm",  # RLE Lossless
    "pydicom/data/test_files/SC_rgb_jpeg_dcmtk.dcm",  # JPEG Baseline, YBR
    "pydicom/data/test_files/MR_small_jp2klossless.dcm",  # JPEG 2000 lossless
    "data_store/data/JPEG-LL.dcm",  # JPEG Lossless SV1
]


def check(condition, message):
    if not condition:
        print("FAIL " + message)
        sys.exit(1)


client = DICOMwebClient(url=base + "/dicomweb", headers={"Authorization": "Bearer " + token, "X-Huimin-Hospital": "H0001"})
datasets = []
for index, path in enumerate(FILES):
    ds = pydicom.dcmread(samples + "/" + path)
    # Several samples share UIDs; each gets its own study here so the checks below are exact.
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.10.7.%s.%d" % (run, index + 1)
    ds.SeriesInstanceUID = ds.StudyInstanceUID + ".1"
    ds.SOPInstanceUID = ds.SeriesInstanceUID + ".1"
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.PatientID = "DWC-%d-%s" % (index + 1, run)
    datasets.append(ds)

stored = client.store_instances(datasets)
check(len(stored.get("ReferencedSOPSequence", [])) == len(datasets), "STOW stored %s" % stored)
print("OK stored %d instances" % len(datasets))

for ds in datasets:
    studies = client.search_for_studies(search_filters={"PatientID": ds.PatientID})
    check(len(studies) == 1, "QIDO PatientID=%s found %d" % (ds.PatientID, len(studies)))
    check(studies[0]["0020000D"]["Value"][0] == ds.StudyInstanceUID, "QIDO study UID")
    series = client.search_for_series(study_instance_uid=ds.StudyInstanceUID)
    check(len(series) == 1 and series[0]["00080060"]["Value"][0] == ds.Modality, "QIDO series of %s" % ds.PatientID)
    instances = client.search_for_instances(study_instance_uid=ds.StudyInstanceUID)
    check(len(instances) == 1, "QIDO instances of %s" % ds.PatientID)

    back = client.retrieve_instance(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    check(back.SOPInstanceUID == ds.SOPInstanceUID, "WADO instance UID")
    check(back.PixelData == ds.PixelData, "WADO pixel data of %s" % ds.PatientID)

    metadata = client.retrieve_instance_metadata(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID)
    check(metadata["00080018"]["Value"][0] == ds.SOPInstanceUID, "metadata UID")
    check(metadata["00280010"]["Value"][0] == ds.Rows, "metadata Rows")

    frames = client.retrieve_instance_frames(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID, frame_numbers=[1])
    check(len(frames) == 1 and len(frames[0]) > 0, "frame 1 of %s" % ds.PatientID)
    if not ds.file_meta.TransferSyntaxUID.is_compressed:
        frame_bytes = ds.Rows * ds.Columns * ds.SamplesPerPixel * (ds.BitsAllocated // 8)
        check(frames[0][:frame_bytes] == ds.PixelData[:frame_bytes], "uncompressed frame bytes of %s" % ds.PatientID)

    rendered = client.retrieve_instance_rendered(ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID,
                                                 media_types=("image/jpeg",))
    check(rendered[:2] == b"\xff\xd8", "rendered JPEG of %s" % ds.PatientID)
    print("OK %s %s" % (ds.file_meta.TransferSyntaxUID.name, ds.PatientID))

print("OK all")
