using SmartElek.Operator.Commands;

namespace SmartElek.Operator.Dashboard;

/// <summary>A command's outcome in the words the API's problem details use.</summary>
public static class CommandOutcomes
{
    public static bool Succeeded(ChargerCommands.Outcome outcome) => outcome is ChargerCommands.Outcome.Answered { Reply.Accepted: true };

    public static string Describe(ChargerCommands.Outcome outcome, string charger) => outcome switch
    {
        ChargerCommands.Outcome.Answered { Reply.Accepted: true } => "Done.",
        ChargerCommands.Outcome.Unreachable u => $"Charger '{charger}' cannot be reached: {u.Why}.",
        ChargerCommands.Outcome.NotAllowed n => n.Why,
        ChargerCommands.Outcome.TimedOut => $"Charger '{charger}' did not answer within {ChargerCommands.AnswerWithin.TotalSeconds:0} s.",
        ChargerCommands.Outcome.Answered { Reply.Errors: { Count: > 0 } errors } => string.Join("; ", errors.Select(e => e.ToString())),
        ChargerCommands.Outcome.Answered a => $"Charger '{charger}' refused: {a.Reply.Reason}.",
        _ => "Unknown outcome.",
    };
}
