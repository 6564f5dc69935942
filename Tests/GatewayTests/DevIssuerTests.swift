import AuthKit
import Foundation
import Gateway
import Testing

@Suite struct DevIssuerTests {
    @Test func devKeySetParses() throws {
        let keySet = try KeySet(document: TestGateway.devKey.keySetDocument())
        #expect(keySet.keys[TestGateway.devKey.keyID] != nil)
    }
}
