import Cloud
import Server
import Store

/// What ``FakeGraphAPI`` answers for each group operation; every operation not set up fails the test.
struct FakeGroupsAnswers: Sendable {
}
