using Akka.Actor;
using SmartElek.Charger.Button;
using SmartElek.Charger.J1772;
using SmartElek.Charger.Safety;

namespace SmartElek.Actors.Charger;

/// <param name="OfferPacing">The PWM offer goes up at most once per this span (decreases apply at once).</param>
/// <param name="Dispatcher">Dispatcher for the whole unit's subtree (tests use the calling-thread dispatcher).</param>
/// <param name="InitialGrantAmps">What the unit may offer until its first grant arrives (after every start and power cycle): a site charger's fail-safe current; null: the settings' maximum (a charger on its own circuit).</param>
/// <param name="Journal">Journals sessions, energy, settings and faults (persistenceId <c>charger-{id}</c>); null: not persistent.</param>
public sealed record ChargerUnitOptions(
    TimeSpan PilotPoll,
    TimeSpan SafetyPoll,
    TimeSpan MeterPoll,
    TimeSpan OfferPacing,
    PilotClassifierOptions Classifier,
    SetButtonTiming ButtonTiming,
    GridLimits Grid,
    ThermalDerating Thermal,
    string? Dispatcher = null,
    ChargerJournalSettings? Journal = null,
    double? InitialGrantAmps = null)
{
    public static readonly ChargerUnitOptions Default = new(
        TimeSpan.FromMilliseconds(50),
        TimeSpan.FromMilliseconds(100),
        TimeSpan.FromSeconds(1),
        TimeSpan.FromSeconds(5),
        PilotClassifierOptions.Default,
        SetButtonTiming.Default,
        GridLimits.Default,
        ThermalDerating.Default);

    internal Props On(Props props) => Dispatcher is null ? props : props.WithDispatcher(Dispatcher);
}
