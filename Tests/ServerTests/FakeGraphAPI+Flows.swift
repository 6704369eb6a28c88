import Cloud
import Server
import Store

/// What ``FakeGraphAPI`` answers for each Flows operation; every operation not set up fails the test.
struct FakeFlowsAnswers: Sendable {
}
