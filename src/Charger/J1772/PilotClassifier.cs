namespace SmartElek.Charger.J1772;

/// <summary>
/// How the pilot's high level is read. The bands are SAE J1772's (docs/charger.md, "Pilot states"),
/// each widened by <see cref="ToleranceVolts"/> on both sides to allow for the ADC.
/// </summary>
/// <param name="Debounce">How long a new band must be seen without a break before the state changes (other than into A).</param>
/// <param name="DebounceIntoA">The same into A: shorter, because an unplug must open the relays quickly.</param>
/// <param name="ToleranceVolts">Widening of every band edge; must keep the bands apart (0 to 0.8 V).</param>
public sealed record PilotClassifierOptions(TimeSpan Debounce, TimeSpan DebounceIntoA, double ToleranceVolts)
{
    public static PilotClassifierOptions Default { get; } =
        new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50), 0.05);
}

/// <summary>
/// Reads the vehicle's pilot state from samples of the pilot's high level. Between bands it keeps the last
/// state (hysteresis); a new band becomes the state only after it has been seen continuously for the debounce time.
/// </summary>
public sealed class PilotClassifier
{
    private readonly (PilotState State, double Low, double High)[] _bands;
    private PilotState? _candidate;
    private TimeSpan _candidateSince;

    public PilotClassifier(PilotClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Debounce < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.Debounce, "Pilot debounce must not be negative.");
        if (options.DebounceIntoA < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.DebounceIntoA, "Pilot debounce into A must not be negative.");
        if (!(options.ToleranceVolts is >= 0 and < 0.8))
            throw new ArgumentOutOfRangeException(nameof(options), options.ToleranceVolts, "Pilot band tolerance must be 0 to 0.8 V so that the bands stay apart.");
        Options = options;
        var t = options.ToleranceVolts;
        _bands =
        [
            (PilotState.A, 11.40 - t, 12.60 + t),
            (PilotState.B, 8.36 - t, 9.56 + t),
            (PilotState.C, 5.48 - t, 6.49 + t),
            (PilotState.D, 2.62 - t, 3.25 + t),
            (PilotState.E, -1.0 - t, 1.0 + t),
            (PilotState.F, -12.60 - t, -11.40 + t),
        ];
    }

    public PilotClassifier() : this(PilotClassifierOptions.Default) { }

    public PilotClassifierOptions Options { get; }

    /// <summary>The debounced state; A at start.</summary>
    public PilotState Current { get; private set; } = PilotState.A;

    /// <summary>A band seen since <see cref="PendingSince"/> that is not yet the state, if any.</summary>
    public PilotState? Pending => _candidate;

    public TimeSpan? PendingSince => _candidate is null ? null : _candidateSince;

    /// <summary>The band a high-level voltage falls in; null between bands (or for a non-number).</summary>
    public PilotState? ClassifyBand(double highVolts)
    {
        foreach (var (state, low, high) in _bands)
            if (highVolts >= low && highVolts <= high)
                return state;
        return null;
    }

    /// <summary>Feeds one sample taken at <paramref name="now"/> and returns the debounced state.</summary>
    public PilotState Update(double highVolts, TimeSpan now)
    {
        var band = ClassifyBand(highVolts);
        if (band is null || band == Current)
        {
            // A sample between bands, or back in the current band, breaks the run of the candidate.
            _candidate = null;
            return Current;
        }
        if (_candidate != band || now < _candidateSince)
        {
            _candidate = band;
            _candidateSince = now;
        }
        var debounce = band == PilotState.A ? Options.DebounceIntoA : Options.Debounce;
        if (now - _candidateSince >= debounce)
        {
            Current = band.Value;
            _candidate = null;
        }
        return Current;
    }
}

/// <summary>The pilot's low level while PWM runs: the vehicle's diode must hold it at -12 V.</summary>
public static class DiodeCheck
{
    public const double LowLevelMinVolts = -12.60;
    public const double LowLevelMaxVolts = -11.40;

    /// <summary>False means a missing or shorted diode: a fault.</summary>
    public static bool LowLevelOk(double lowVolts) => lowVolts is >= LowLevelMinVolts and <= LowLevelMaxVolts;
}
