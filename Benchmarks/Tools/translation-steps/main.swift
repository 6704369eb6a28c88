import Foundation
import TranslationSteps

// `translation-steps`: runs the named step COUNT times, with nothing else measured, for instruction counts that
// the machine's load does not change (`valgrind --tool=callgrind`, see scripts/microbench); `--list` names them.
let arguments = CommandLine.arguments.dropFirst()
let steps = Step.all()
if arguments.first == "--list" {
    for step in steps { print(step.name) }
    exit(0)
}
guard arguments.count == 2, let count = Int(arguments.last!), let step = steps.first(where: { $0.name == arguments.first })
else {
    FileHandle.standardError.write(Data("usage: translation-steps NAME COUNT | --list\n".utf8))
    exit(2)
}
for _ in 0..<count {
    try step.run()
}
