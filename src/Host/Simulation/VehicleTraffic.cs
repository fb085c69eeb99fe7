using Akka.Actor;
using Akka.Event;
using SmartElek.Charger.Simulation;
using SmartElek.Host.Chargers;
using SmartElek.Host.Configuration;

namespace SmartElek.Host.Simulation;

/// <summary>
/// The demo's parking lot: vehicles arrive at free chargers, plug in, charge, and leave after a
/// random stay, full or not. Times are exponential around the configured means; one seed makes a
/// run repeatable. All timing comes from the actor system's scheduler.
/// </summary>
public sealed class VehicleTraffic : ReceiveActor, IWithTimers
{
    private sealed record Arrive(int Index);
    private sealed record Leave(int Index);

    /// <summary>A unit powered up while the demo runs: a vehicle is already waiting at it.</summary>
    public sealed record ChargerAdded(LocalCharger Charger);

    private readonly List<LocalCharger> _chargers;
    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<LocalCharger> chargers, SimulationOptions options) =>
        Akka.Actor.Props.Create(() => new VehicleTraffic(chargers, options));

    public VehicleTraffic(IReadOnlyList<LocalCharger> chargers, SimulationOptions options)
    {
        _chargers = [.. chargers];
        _options = options;
        _random = new Random(options.Seed);

        Receive<Arrive>(a =>
        {
            var spec = NextVehicle();
            _chargers[a.Index].Hardware.PlugIn(spec);
            _log.Info("{0}: vehicle arrives ({1:0} kWh at {2:0} %, onboard {3:0} A)",
                _chargers[a.Index].Id, spec.BatteryKwh, spec.StartSocPercent, spec.OnboardChargerAmps);
            Timers.StartSingleTimer($"leave-{a.Index}", new Leave(a.Index), Exponential(_options.MeanStaySeconds, minimumSeconds: 30));
        });
        Receive<ChargerAdded>(a =>
        {
            _chargers.Add(a.Charger);
            Self.Tell(new Arrive(_chargers.Count - 1));
        });
        Receive<Leave>(l =>
        {
            _chargers[l.Index].Hardware.Unplug();
            _log.Info("{0}: vehicle leaves", _chargers[l.Index].Id);
            ScheduleArrival(l.Index);
        });
    }

    protected override void PreStart()
    {
        for (var i = 0; i < _chargers.Count; i++)
            ScheduleArrival(i);
    }

    private void ScheduleArrival(int index) =>
        Timers.StartSingleTimer($"arrive-{index}", new Arrive(index), Exponential(_options.MeanArrivalSeconds, minimumSeconds: 2));

    private TimeSpan Exponential(double meanSeconds, double minimumSeconds) =>
        TimeSpan.FromSeconds(Math.Max(minimumSeconds, -meanSeconds * Math.Log(1 - _random.NextDouble())));

    private VehicleSpec NextVehicle()
    {
        double Between(double low, double high) => low + (high - low) * _random.NextDouble();
        // Onboard chargers of common vehicles: 16 A (older plug-ins), 32 A and 48 A (limited by the offer).
        var onboard = new[] { 16.0, 32.0, 48.0 }[_random.Next(3)];
        return new VehicleSpec(
            BatteryKwh: Math.Round(Between(_options.BatteryKwhMin, _options.BatteryKwhMax)),
            StartSocPercent: Math.Round(Between(_options.ArrivalSocMin, _options.ArrivalSocMax), 1),
            OnboardChargerAmps: onboard,
            ResponseDelay: TimeSpan.FromSeconds(Between(0.5, 4.5)),
            Efficiency: 0.92);
    }
}
