// EndToEndTests: work in progress
