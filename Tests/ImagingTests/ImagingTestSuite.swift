import Testing

/// Every Imaging suite runs inside this one, one test (and one argument) at a time: decoding and
/// drawing are CPU-bound, and run in parallel they would hold every thread Swift concurrency has,
/// stalling the rest of the test process (its sandbox servers, its timeouts) for seconds.
@Suite(.serialized) enum ImagingTestSuite {}
