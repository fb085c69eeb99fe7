using Akka.Actor;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Metering;

namespace SmartElek.Actors.Charger;

public static class MeterProtocol
{
    public sealed record Sample(MeterReading Reading, double RegisterWh);

    /// <summary>"Restore factory settings" resets metering.</summary>
    public sealed record ResetRegister
    {
        public static readonly ResetRegister Instance = new();
    }

    internal sealed record Poll
    {
        public static readonly Poll Instance = new();
    }
}

/// <summary>Reads the metering chip on a fixed period and keeps the energy register.</summary>
public sealed class MeterActor : ReceiveActor, IWithTimers
{
    private readonly IMeterChip _chip;
    private readonly TimeSpan _period;
    private readonly EnergyRegister _register;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="register">Survives a restart of this actor (the Props hold the same instance).</param>
    public static Props Props(IMeterChip chip, EnergyRegister register, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new MeterActor(chip, register, options.MeterPoll)));

    public MeterActor(IMeterChip chip, EnergyRegister register, TimeSpan period)
    {
        _chip = chip;
        _register = register;
        _period = period;
        Receive<MeterProtocol.Poll>(_ => Read());
        Receive<MeterProtocol.ResetRegister>(_ =>
        {
            _register.Reset();
            Read();
        });
    }

    // The first read waits for the first tick: a chip that fails then fails a message, which the
    // supervisor handles, not the actor's start.
    protected override void PreStart() => Timers.StartPeriodicTimer("poll", MeterProtocol.Poll.Instance, _period);

    private void Read()
    {
        var reading = _chip.Read();
        _register.Add(reading);
        Context.Parent.Tell(new MeterProtocol.Sample(reading, _register.Wh));
    }
}
