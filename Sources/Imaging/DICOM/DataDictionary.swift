/// The VRs of the attributes Huimin reads from Implicit VR data sets, where the file does not say
/// (PS3.6 Table 6-1): the patient, study, series and instance modules, image pixel, LUTs and
/// palettes, multi-frame functional groups, waveforms, overlays, SR content and DICOMDIR records.
/// Anything else reads as UN and keeps its bytes. Where PS3.6 allows two VRs ("US or SS",
/// "OB or OW") the table names the one the accessors read.
enum DataDictionary {
    static func vr(for tag: Tag) -> VR {
        if tag.element == 0 { return .UL }  // group lengths
        if tag.isPrivate {
            // Private creators (gggg,0010-00FF) name the block; the block's own data is unknown.
            return (0x0010...0x00FF).contains(tag.element) ? .LO : .UN
        }
        // Overlays repeat in the even groups 6000-601E: the table lists group 6000.
        let group = tag.group & 0xFF00 == 0x6000 ? 0x6000 : tag.group
        return entries[UInt32(group) << 16 | UInt32(tag.element)] ?? .UN
    }

    /// Attributes PS3.6 lists as "US or SS": SS when Pixel Representation (0028,0103) is 1, which
    /// Implicit VR cannot say, so the parser settles it once the data set is read (a signed CT's
    /// padding value of -2000 must not read as 63536).
    static let signedWithPixelData: [Tag] = [
        Tag(0x0028, 0x0106), Tag(0x0028, 0x0107), Tag(0x0028, 0x0108), Tag(0x0028, 0x0109),
        Tag(0x0028, 0x0120), Tag(0x0028, 0x0121),
    ]

    private static let entries: [UInt32: VR] = {
        var entries: [UInt32: VR] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let tag = UInt32(fields[0], radix: 16), let vr = VR(rawValue: String(fields[1])) else {
                preconditionFailure("malformed dictionary line: \(line)")
            }
            entries[tag] = vr
        }
        return entries
    }()

    /// Tag, VR and keyword, one attribute a line.
    private static let table = """
    00020000 UL FileMetaInformationGroupLength
    00020001 OB FileMetaInformationVersion
    00020002 UI MediaStorageSOPClassUID
    00020003 UI MediaStorageSOPInstanceUID
    00020010 UI TransferSyntaxUID
    00020012 UI ImplementationClassUID
    00020013 SH ImplementationVersionName
    00020016 AE SourceApplicationEntityTitle
    00020100 UI PrivateInformationCreatorUID
    00020102 OB PrivateInformation
    00041130 CS FileSetID
    00041200 UL OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity
    00041202 UL OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity
    00041212 US FileSetConsistencyFlag
    00041220 SQ DirectoryRecordSequence
    00041400 UL OffsetOfTheNextDirectoryRecord
    00041410 US RecordInUseFlag
    00041420 UL OffsetOfReferencedLowerLevelDirectoryEntity
    00041430 CS DirectoryRecordType
    00041500 CS ReferencedFileID
    00041510 UI ReferencedSOPClassUIDInFile
    00041511 UI ReferencedSOPInstanceUIDInFile
    00041512 UI ReferencedTransferSyntaxUIDInFile
    00080005 CS SpecificCharacterSet
    00080008 CS ImageType
    00080012 DA InstanceCreationDate
    00080013 TM InstanceCreationTime
    00080014 UI InstanceCreatorUID
    00080016 UI SOPClassUID
    00080018 UI SOPInstanceUID
    00080020 DA StudyDate
    00080021 DA SeriesDate
    00080022 DA AcquisitionDate
    00080023 DA ContentDate
    0008002A DT AcquisitionDateTime
    00080030 TM StudyTime
    00080031 TM SeriesTime
    00080032 TM AcquisitionTime
    00080033 TM ContentTime
    00080050 SH AccessionNumber
    00080051 SQ IssuerOfAccessionNumberSequence
    00080052 CS QueryRetrieveLevel
    00080054 AE RetrieveAETitle
    00080056 CS InstanceAvailability
    00080060 CS Modality
    00080061 CS ModalitiesInStudy
    00080064 CS ConversionType
    00080068 CS PresentationIntentType
    00080070 LO Manufacturer
    00080080 LO InstitutionName
    00080081 ST InstitutionAddress
    00080090 PN ReferringPhysicianName
    00080100 SH CodeValue
    00080102 SH CodingSchemeDesignator
    00080103 SH CodingSchemeVersion
    00080104 LO CodeMeaning
    00080201 SH TimezoneOffsetFromUTC
    00081010 SH StationName
    00081030 LO StudyDescription
    00081032 SQ ProcedureCodeSequence
    0008103E LO SeriesDescription
    00081040 LO InstitutionalDepartmentName
    00081050 PN PerformingPhysicianName
    00081060 PN NameOfPhysiciansReadingStudy
    00081070 PN OperatorsName
    00081090 LO ManufacturerModelName
    00081110 SQ ReferencedStudySequence
    00081111 SQ ReferencedPerformedProcedureStepSequence
    00081115 SQ ReferencedSeriesSequence
    00081140 SQ ReferencedImageSequence
    00081150 UI ReferencedSOPClassUID
    00081155 UI ReferencedSOPInstanceUID
    00081160 IS ReferencedFrameNumber
    00082111 ST DerivationDescription
    00082112 SQ SourceImageSequence
    00082144 IS RecommendedDisplayFrameRate
    00082218 SQ AnatomicRegionSequence
    00083010 UI IrradiationEventUID
    00089215 SQ DerivationCodeSequence
    00100010 PN PatientName
    00100020 LO PatientID
    00100021 LO IssuerOfPatientID
    00100022 CS TypeOfPatientID
    00100030 DA PatientBirthDate
    00100032 TM PatientBirthTime
    00100040 CS PatientSex
    00101000 LO OtherPatientIDs
    00101001 PN OtherPatientNames
    00101002 SQ OtherPatientIDsSequence
    00101010 AS PatientAge
    00101020 DS PatientSize
    00101030 DS PatientWeight
    00101040 LO PatientAddress
    00102154 SH PatientTelephoneNumbers
    00102160 SH EthnicGroup
    00104000 LT PatientComments
    00120062 CS PatientIdentityRemoved
    00120063 LO DeidentificationMethod
    00180010 LO ContrastBolusAgent
    00180015 CS BodyPartExamined
    00180020 CS ScanningSequence
    00180021 CS SequenceVariant
    00180022 CS ScanOptions
    00180023 CS MRAcquisitionType
    00180040 IS CineRate
    00180050 DS SliceThickness
    00180060 DS KVP
    00180072 DS EffectiveDuration
    00180080 DS RepetitionTime
    00180081 DS EchoTime
    00180082 DS InversionTime
    00180083 DS NumberOfAverages
    00180084 DS ImagingFrequency
    00180085 SH ImagedNucleus
    00180086 IS EchoNumbers
    00180087 DS MagneticFieldStrength
    00180088 DS SpacingBetweenSlices
    00180089 IS NumberOfPhaseEncodingSteps
    00180090 DS DataCollectionDiameter
    00180091 IS EchoTrainLength
    00180093 DS PercentSampling
    00180094 DS PercentPhaseFieldOfView
    00180095 DS PixelBandwidth
    00181000 LO DeviceSerialNumber
    00181020 LO SoftwareVersions
    00181030 LO ProtocolName
    00181040 LO ContrastBolusRoute
    00181063 DS FrameTime
    00181065 DS FrameTimeVector
    00181068 DS MultiplexGroupTimeOffset
    00181069 DS TriggerTimeOffset
    00181100 DS ReconstructionDiameter
    00181110 DS DistanceSourceToDetector
    00181111 DS DistanceSourceToPatient
    00181120 DS GantryDetectorTilt
    00181130 DS TableHeight
    00181140 CS RotationDirection
    00181150 IS ExposureTime
    00181151 IS XRayTubeCurrent
    00181152 IS Exposure
    00181160 SH FilterType
    00181164 DS ImagerPixelSpacing
    00181170 IS GeneratorPower
    00181190 DS FocalSpots
    00181210 SH ConvolutionKernel
    00181242 IS ActualFrameDuration
    00181250 SH ReceiveCoilName
    00181251 SH TransmitCoilName
    00181310 US AcquisitionMatrix
    00181312 CS InPlanePhaseEncodingDirection
    00181314 DS FlipAngle
    00181316 DS SAR
    00181318 DS dBdt
    00185010 LO TransducerData
    00185020 LO ProcessingFunction
    00185100 CS PatientPosition
    00185101 CS ViewPosition
    00186011 SQ SequenceOfUltrasoundRegions
    00186012 US RegionSpatialFormat
    00186014 US RegionDataType
    00186016 UL RegionFlags
    00186018 UL RegionLocationMinX0
    0018601A UL RegionLocationMinY0
    0018601C UL RegionLocationMaxX1
    0018601E UL RegionLocationMaxY1
    00186024 US PhysicalUnitsXDirection
    00186026 US PhysicalUnitsYDirection
    0018602C FD PhysicalDeltaX
    0018602E FD PhysicalDeltaY
    00187004 CS DetectorType
    00189311 FD SpiralPitchFactor
    00189345 FD CTDIvol
    0020000D UI StudyInstanceUID
    0020000E UI SeriesInstanceUID
    00200010 SH StudyID
    00200011 IS SeriesNumber
    00200012 IS AcquisitionNumber
    00200013 IS InstanceNumber
    00200020 CS PatientOrientation
    00200032 DS ImagePositionPatient
    00200037 DS ImageOrientationPatient
    00200052 UI FrameOfReferenceUID
    00200060 CS Laterality
    00200062 CS ImageLaterality
    00200100 IS TemporalPositionIdentifier
    00200105 IS NumberOfTemporalPositions
    00201040 LO PositionReferenceIndicator
    00201041 DS SliceLocation
    00201206 IS NumberOfStudyRelatedSeries
    00201208 IS NumberOfStudyRelatedInstances
    00201209 IS NumberOfSeriesRelatedInstances
    00204000 LT ImageComments
    00209056 SH StackID
    00209057 UL InStackPositionNumber
    00209111 SQ FrameContentSequence
    00209113 SQ PlanePositionSequence
    00209116 SQ PlaneOrientationSequence
    00209157 UL DimensionIndexValues
    00209221 SQ DimensionOrganizationSequence
    00209222 SQ DimensionIndexSequence
    00280002 US SamplesPerPixel
    00280004 CS PhotometricInterpretation
    00280006 US PlanarConfiguration
    00280008 IS NumberOfFrames
    00280009 AT FrameIncrementPointer
    0028000A AT FrameDimensionPointer
    00280010 US Rows
    00280011 US Columns
    00280030 DS PixelSpacing
    00280034 IS PixelAspectRatio
    00280100 US BitsAllocated
    00280101 US BitsStored
    00280102 US HighBit
    00280103 US PixelRepresentation
    00280106 US SmallestImagePixelValue
    00280107 US LargestImagePixelValue
    00280108 US SmallestPixelValueInSeries
    00280109 US LargestPixelValueInSeries
    00280120 US PixelPaddingValue
    00280121 US PixelPaddingRangeLimit
    00280300 CS QualityControlImage
    00280301 CS BurnedInAnnotation
    00280302 CS RecognizableVisualFeatures
    00280A02 CS PixelSpacingCalibrationType
    00281040 CS PixelIntensityRelationship
    00281041 SS PixelIntensityRelationshipSign
    00281050 DS WindowCenter
    00281051 DS WindowWidth
    00281052 DS RescaleIntercept
    00281053 DS RescaleSlope
    00281054 LO RescaleType
    00281055 LO WindowCenterWidthExplanation
    00281056 CS VOILUTFunction
    00281101 US RedPaletteColorLookupTableDescriptor
    00281102 US GreenPaletteColorLookupTableDescriptor
    00281103 US BluePaletteColorLookupTableDescriptor
    00281199 UI PaletteColorLookupTableUID
    00281201 OW RedPaletteColorLookupTableData
    00281202 OW GreenPaletteColorLookupTableData
    00281203 OW BluePaletteColorLookupTableData
    00281221 OW SegmentedRedPaletteColorLookupTableData
    00281222 OW SegmentedGreenPaletteColorLookupTableData
    00281223 OW SegmentedBluePaletteColorLookupTableData
    00282000 OB ICCProfile
    00282002 CS ColorSpace
    00282110 CS LossyImageCompression
    00282112 DS LossyImageCompressionRatio
    00282114 CS LossyImageCompressionMethod
    00283000 SQ ModalityLUTSequence
    00283002 US LUTDescriptor
    00283003 LO LUTExplanation
    00283004 LO ModalityLUTType
    00283006 US LUTData
    00283010 SQ VOILUTSequence
    00283110 SQ SoftcopyVOILUTSequence
    00289110 SQ PixelMeasuresSequence
    00289132 SQ FrameVOILUTSequence
    00289145 SQ PixelValueTransformationSequence
    00321060 LO RequestedProcedureDescription
    003A0004 CS WaveformOriginality
    003A0005 US NumberOfWaveformChannels
    003A0010 UL NumberOfWaveformSamples
    003A001A DS SamplingFrequency
    003A0020 SH MultiplexGroupLabel
    003A0200 SQ ChannelDefinitionSequence
    003A0202 IS WaveformChannelNumber
    003A0203 SH ChannelLabel
    003A0205 CS ChannelStatus
    003A0208 SQ ChannelSourceSequence
    003A0209 SQ ChannelSourceModifiersSequence
    003A0210 DS ChannelSensitivity
    003A0211 SQ ChannelSensitivityUnitsSequence
    003A0212 DS ChannelSensitivityCorrectionFactor
    003A0213 DS ChannelBaseline
    003A0214 DS ChannelTimeSkew
    003A0215 DS ChannelSampleSkew
    003A0218 DS ChannelOffset
    003A021A US WaveformBitsStored
    003A0220 DS FilterLowFrequency
    003A0221 DS FilterHighFrequency
    003A0222 DS NotchFilterFrequency
    00400009 SH ScheduledProcedureStepID
    00400244 DA PerformedProcedureStepStartDate
    00400245 TM PerformedProcedureStepStartTime
    00400253 SH PerformedProcedureStepID
    00400254 LO PerformedProcedureStepDescription
    00400275 SQ RequestAttributesSequence
    004008EA SQ MeasurementUnitsCodeSequence
    00401001 SH RequestedProcedureID
    0040A010 CS RelationshipType
    0040A040 CS ValueType
    0040A043 SQ ConceptNameCodeSequence
    0040A0B0 US ReferencedWaveformChannels
    0040A160 UT TextValue
    0040A170 SQ PurposeOfReferenceCodeSequence
    0040A180 US AnnotationGroupNumber
    0040A30A DS NumericValue
    0040A491 CS CompletionFlag
    0040A493 CS VerificationFlag
    0040A504 SQ ContentTemplateSequence
    0040A730 SQ ContentSequence
    0040B020 SQ WaveformAnnotationSequence
    00700006 ST UnformattedTextValue
    00880200 SQ IconImageSequence
    52009229 SQ SharedFunctionalGroupsSequence
    52009230 SQ PerFrameFunctionalGroupsSequence
    54000100 SQ WaveformSequence
    54001004 US WaveformBitsAllocated
    54001006 CS WaveformSampleInterpretation
    5400100A OW WaveformPaddingValue
    54001010 OW WaveformData
    60000010 US OverlayRows
    60000011 US OverlayColumns
    60000015 IS NumberOfFramesInOverlay
    60000022 LO OverlayDescription
    60000040 CS OverlayType
    60000050 SS OverlayOrigin
    60000051 US ImageFrameOrigin
    60000100 US OverlayBitsAllocated
    60000102 US OverlayBitPosition
    60003000 OW OverlayData
    7FE00001 OV ExtendedOffsetTable
    7FE00002 OV ExtendedOffsetTableLengths
    7FE00008 OF FloatPixelData
    7FE00009 OD DoubleFloatPixelData
    7FE00010 OW PixelData
    """
}
