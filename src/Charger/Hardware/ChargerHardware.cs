using SmartElek.Charger.Leds;
using SmartElek.Charger.Metering;

namespace SmartElek.Charger.Hardware;

/// <summary>What the control pilot driver puts on the wire.</summary>
public abstract record PilotOutput
{
    private PilotOutput() { }

    /// <summary>Steady +12 V: the EVSE is available but offers no current.</summary>
    public sealed record SteadyPositive : PilotOutput;

    /// <summary>Steady -12 V (J1772 state F): the EVSE is not available (fault).</summary>
    public sealed record SteadyNegative : PilotOutput;

    /// <summary>1 kHz PWM, +12 V / -12 V, at <paramref name="DutyPercent"/>: offers current.</summary>
    public sealed record Pwm(double DutyPercent) : PilotOutput;

    public static readonly PilotOutput Available = new SteadyPositive();
    public static readonly PilotOutput Unavailable = new SteadyNegative();
}

/// <summary>One sample of the pilot wire: the high and the low level of the square wave, in volts.</summary>
public readonly record struct PilotLevels(double HighVolts, double LowVolts);

/// <summary>The control pilot: an ADC that samples both levels and a PWM generator.</summary>
public interface IPilotPort
{
    PilotLevels Read();
    void Drive(PilotOutput output);
    PilotOutput Output { get; }
}

/// <summary>The two lines the charger switches.</summary>
public enum RelayLine { L1, L2 }

public enum RelayPosition { Open, Closed }

/// <summary>One latching relay with its own coil driver and a voltage sense after its contacts.</summary>
public interface IRelayDriver
{
    RelayLine Line { get; }
    void Command(RelayPosition position);
    /// <summary>The last position commanded (a latching relay keeps it through power loss).</summary>
    RelayPosition Commanded { get; }
    /// <summary>Volts seen on the vehicle side of the contacts: about 0 when open, the line voltage when closed.</summary>
    double SenseVolts();
}

/// <summary>The metrology chip.</summary>
public interface IMeterChip
{
    MeterReading Read();
}

/// <summary>The charge circuit interrupting device (GFCI, 20 mA class).</summary>
public interface IGfci
{
    /// <summary>Injects a test current and checks that the device trips; true when it did.</summary>
    bool SelfTest();
    /// <summary>True while the device reports a trip (leakage above its threshold).</summary>
    bool Tripped { get; }
    double LeakageMilliamps { get; }
    /// <summary>Re-arms the device after a trip.</summary>
    void Rearm();
    /// <summary>Raised the moment the device trips (an interrupt on real hardware); may come from any thread.</summary>
    event Action? Trip;
}

public interface IGroundCheck
{
    bool GroundPresent();
}

public interface ITemperatureSensor
{
    /// <summary>Board temperature near the relays, in degrees Celsius.</summary>
    double Celsius();
}

/// <summary>The SET button: a level that can be polled, and edges raised as they happen.</summary>
public interface ISetButton
{
    bool IsPressed { get; }
    /// <summary>Raised on each edge: true when pressed, false when released; may come from any thread.</summary>
    event Action<bool>? Changed;
}

public interface ILed
{
    void Show(LedPattern pattern);
    LedPattern Showing { get; }
}

/// <summary>Everything the charger's software touches on one SmartElek #4500 board.</summary>
public interface IChargerHardware
{
    IPilotPort Pilot { get; }
    IRelayDriver RelayL1 { get; }
    IRelayDriver RelayL2 { get; }
    IMeterChip Meter { get; }
    IGfci Gfci { get; }
    IGroundCheck Ground { get; }
    ITemperatureSensor Temperature { get; }
    ISetButton SetButton { get; }
    ILed StatusLed { get; }
    ILed NetworkLed { get; }
    IFirmwareFlash Firmware { get; }
    INetworkRadio Radio { get; }
}

public static class ChargerHardwareExtensions
{
    public static IEnumerable<IRelayDriver> Relays(this IChargerHardware hardware)
    {
        yield return hardware.RelayL1;
        yield return hardware.RelayL2;
    }

    /// <summary>Commands both relays open. Safe to call from any actor at any time.</summary>
    public static void OpenBothRelays(this IChargerHardware hardware)
    {
        hardware.RelayL1.Command(RelayPosition.Open);
        hardware.RelayL2.Command(RelayPosition.Open);
    }
}
