// Set up for the `express4` Jest project: tells `expressVersion.test.ts` which major it must find.
process.env.EXPECTED_EXPRESS_MAJOR = '4';
