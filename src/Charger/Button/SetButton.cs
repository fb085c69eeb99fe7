namespace SmartElek.Charger.Button;

/// <summary>What the SET button asks for (the manual's table).</summary>
public enum SetButtonAction
{
    /// <summary>6 taps: ask for an over-the-air firmware update.</summary>
    RequestFirmwareUpdate,
    /// <summary>7 taps: switch between Zigbee and Wi-Fi.</summary>
    ToggleWifi,
    /// <summary>9 taps: restore factory settings; resets metering, stays in the network.</summary>
    RestoreFactorySettings,
    /// <summary>10 taps: soft reset.</summary>
    Reboot,
    /// <summary>13 taps: factory reset and leave the network.</summary>
    FactoryResetAndLeaveNetwork,
    /// <summary>Held for 3 s: close Zigbee permit-join (the charger applies it only while permit-join is open).</summary>
    ClosePermitJoin,
    /// <summary>Held while the unit powers up: factory reset.</summary>
    FactoryResetAtPowerUp,
}

/// <summary>
/// Timing of the SET button.
/// </summary>
/// <param name="TapMaxLength">A press up to this long is a tap (default 1 s); a longer one is not.</param>
/// <param name="TapWindow">A tap sequence ends when this long passes after a release with no new press (default 1.5 s).</param>
/// <param name="Hold">A press reaching this length closes permit-join (default 3 s).</param>
public sealed record SetButtonTiming(TimeSpan TapMaxLength, TimeSpan TapWindow, TimeSpan Hold)
{
    public static SetButtonTiming Default { get; } =
        new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3));
}

/// <summary>
/// Decodes presses and releases of the SET button into actions. Feed it the button's edges and a regular
/// <see cref="Tick"/> (e.g. every 100 ms); each call returns the actions it completed, usually none.
/// Times are from one monotonic clock; a time earlier than the last one seen is taken as the last one.
/// </summary>
public sealed class SetButtonDecoder
{
    private static readonly IReadOnlyList<SetButtonAction> None = [];

    private readonly SetButtonTiming _timing;
    private TimeSpan _last;
    private bool _pressed;
    private TimeSpan _pressedAt;
    // The current press yields nothing more: its hold has fired, or it started before power-up.
    private bool _pressSpent;
    private int _taps;
    private TimeSpan _lastTapReleasedAt;

    public SetButtonDecoder(SetButtonTiming timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        if (timing.TapMaxLength <= TimeSpan.Zero || timing.TapWindow <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timing), timing, "SET button tap length and tap window must be positive.");
        if (timing.Hold <= timing.TapMaxLength)
            throw new ArgumentOutOfRangeException(nameof(timing), timing, "SET button hold time must be longer than a tap.");
        _timing = timing;
    }

    public SetButtonDecoder() : this(SetButtonTiming.Default) { }

    public SetButtonTiming Timing => _timing;

    /// <summary>Taps counted in the sequence still open.</summary>
    public int PendingTaps => _taps;

    public bool IsPressed => _pressed;

    /// <summary>The action a completed sequence of <paramref name="taps"/> taps asks for; null when none.</summary>
    public static SetButtonAction? ForTapCount(int taps) => taps switch
    {
        6 => SetButtonAction.RequestFirmwareUpdate,
        7 => SetButtonAction.ToggleWifi,
        9 => SetButtonAction.RestoreFactorySettings,
        10 => SetButtonAction.Reboot,
        13 => SetButtonAction.FactoryResetAndLeaveNetwork,
        _ => null,
    };

    public IReadOnlyList<SetButtonAction> Pressed(TimeSpan at)
    {
        at = Advance(at);
        if (_pressed)
            return None;
        // A press after the window has passed starts a new sequence: the old one ends first.
        var ended = EndSequenceIfDue(at);
        _pressed = true;
        _pressedAt = at;
        _pressSpent = false;
        return ended;
    }

    public IReadOnlyList<SetButtonAction> Released(TimeSpan at)
    {
        at = Advance(at);
        if (!_pressed)
            return None;
        _pressed = false;
        if (_pressSpent)
            return None;
        var held = at - _pressedAt;
        if (held >= _timing.Hold)
            return ClosePermitJoin();
        if (held <= _timing.TapMaxLength)
        {
            _taps++;
            _lastTapReleasedAt = at;
        }
        else
        {
            // Neither a tap nor a hold: an ambiguous sequence must not trigger a reset, so drop it.
            _taps = 0;
        }
        return None;
    }

    public IReadOnlyList<SetButtonAction> Tick(TimeSpan now)
    {
        now = Advance(now);
        if (_pressed)
            return !_pressSpent && now - _pressedAt >= _timing.Hold ? ClosePermitJoin() : None;
        return EndSequenceIfDue(now);
    }

    /// <summary>Called once when the unit powers up; forgets everything before. A held button is a factory reset.</summary>
    public IReadOnlyList<SetButtonAction> PoweredUp(bool buttonHeld)
    {
        _taps = 0;
        _pressed = buttonHeld;
        _pressedAt = _last;
        // The release of that press is not a tap.
        _pressSpent = buttonHeld;
        return buttonHeld ? [SetButtonAction.FactoryResetAtPowerUp] : None;
    }

    private IReadOnlyList<SetButtonAction> ClosePermitJoin()
    {
        _pressSpent = true;
        _taps = 0;
        return [SetButtonAction.ClosePermitJoin];
    }

    private IReadOnlyList<SetButtonAction> EndSequenceIfDue(TimeSpan now)
    {
        if (_taps == 0 || now - _lastTapReleasedAt < _timing.TapWindow)
            return None;
        var action = ForTapCount(_taps);
        _taps = 0;
        return action is { } a ? [a] : None;
    }

    private TimeSpan Advance(TimeSpan at)
    {
        if (at > _last)
            _last = at;
        return _last;
    }
}
