using SmartElek.Operator.Rules;
using SmartElek.Operator.Users;

namespace SmartElek.Operator.Tests.Rules;

/// <summary>Whose session a charger's is: its running session's starter (idTag or user name) before its assigned driver.</summary>
public sealed class ChargerDriversTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    private static readonly OperatorUser Dan = new("u-dan", "dan", Roles.Driver, null, "RFID-1", At, "residents");
    private static readonly OperatorUser Ann = new("u-ann", "ann", Roles.Driver, null, "rfid-2", At, "guests");
    private static readonly OperatorUser Boss = new("u-boss", "boss", Roles.Operator, null, null, At);

    [Fact]
    public void Assigned_chargers_are_their_drivers_and_a_running_session_is_its_starters()
    {
        var assignments = new Dictionary<string, IReadOnlyList<string>>
        {
            ["u-dan"] = ["charger-1", "charger-2"],
            ["u-ann"] = ["charger-2"],
            // An operator's assignment counts for nothing: only drivers have chargers.
            ["u-boss"] = ["charger-6"],
        };
        var running = new Dictionary<string, string?>
        {
            ["charger-1"] = "ocpp:RFID-2", // Ann's card, compared as OCPP compares idTags
            ["charger-3"] = "dan",         // started by Dan from the app
            ["charger-4"] = "ocpp:UNKNOWN",
            ["charger-5"] = null,          // auto-start
        };
        var drivers = ChargerDrivers.Of([Dan, Ann, Boss], assignments, running);
        Assert.Equal(
        [
            new ChargerDriver("charger-1", "ann", "guests"),
            new ChargerDriver("charger-2", "ann", "guests"), // two drivers assigned: the first by name
            new ChargerDriver("charger-3", "dan", "residents"),
        ], drivers);
    }

    [Fact]
    public void No_user_no_driver()
    {
        Assert.Empty(ChargerDrivers.Of([], new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, string?> { ["charger-1"] = "ocpp:X" }));
    }
}
