using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>A transaction of the connector: its id is the negative placeholder until the central system answers its start.</summary>
public sealed record RunningTransaction(int Id, string IdTag, DateTimeOffset Start, long MeterStart);

/// <summary>An idTag authorised to start, waiting for the vehicle (at most ConnectionTimeOut), with a remote start's TxProfile.</summary>
public sealed record Authorisation(string IdTag, ChargingProfile? Profile);

/// <summary>A reservation of the connector (ReserveNow).</summary>
public sealed record Reservation(int Id, string IdTag, string? ParentIdTag, DateTimeOffset Expiry);

/// <summary>
/// The charge point's state of its connector and what the central system set: configuration,
/// charging profiles, local authorisation, the running transaction, the authorisation waiting for a
/// vehicle, the reservation, placeholder ids, availability asked for, and the transaction a power
/// loss cut. Immutable: <see cref="Apply"/> folds in what happened, the Decide methods say what to do.
/// </summary>
public sealed record ConnectorState(
    ChargePointConfiguration Configuration,
    ChargingProfiles Profiles,
    LocalAuthorization Authorization,
    RunningTransaction? Transaction = null,
    Authorisation? Authorised = null,
    Reservation? Reservation = null,
    int NextPlaceholder = 0,
    bool Finishing = false,
    bool UnavailableRequested = false,
    bool InoperativeScheduled = false,
    RememberedTransaction? CutTransaction = null)
{
    /// <summary>The one connector of a charge point here.</summary>
    public const int Connector = 1;

    public static ConnectorState From(ChargePointStart start) =>
        new(start.Configuration, start.Profiles, start.Authorization, NextPlaceholder: start.NextPlaceholder, CutTransaction: start.CutTransaction);

    public ActiveTransaction? ActiveTransaction => Transaction is { } t ? new ActiveTransaction(Connector, t.Id, t.Start) : null;

    /// <summary>The status to report for the charger's state <paramref name="s"/>.</summary>
    public ConnectorStatus StatusOf(ConnectorSnapshot s) => StatusMapping.Of(s, Transaction is not null, Reservation is not null, Finishing, UnavailableRequested);

    /// <summary>Whether the charger could begin a transaction now (a vehicle, no fault, operative, not asked to be unavailable).</summary>
    public bool CanCharge(ConnectorSnapshot s) =>
        s.Vehicle != VehicleConnection.None && s.Fault == ConnectorFault.None && s.Operative && !UnavailableRequested;

    /// <summary>
    /// Whether an idTag authorised now may wait for the vehicle: not while the connector is reserved
    /// for another idTag (a reservation with a parent idTag is left to the central system).
    /// </summary>
    public bool ReservedForAnother(string idTag) => Reservation is { } r && r.IdTag != idTag && r.ParentIdTag is null;

    /// <summary>
    /// The transaction that begins now for the authorised idTag, when one may: none runs, the
    /// charger can charge, and no restart waits. The cut transaction, if any, is stopped first.
    /// </summary>
    public TransactionStart? DecideStart(ConnectorSnapshot s, bool restartPending, DateTimeOffset now) =>
        Transaction is null && Authorised is { } a && !restartPending && CanCharge(s)
            ? new TransactionStart(NextPlaceholder - 1, a.IdTag, a.Profile, Reservation?.Id, s.Meter.EnergyWh, now)
            : null;

    public ConnectorState Apply(ConnectorFact fact) => fact switch
    {
        ConnectorFact.Authorised a => this with { Authorised = new Authorisation(a.IdTag, a.Profile) },
        ConnectorFact.AuthorisationExpired e => Authorised?.IdTag == e.IdTag && Transaction is null ? this with { Authorised = null } : this,
        ConnectorFact.TransactionStarted t => this with
        {
            Transaction = new RunningTransaction(t.Start.Placeholder, t.Start.IdTag, t.Start.At, t.Start.MeterStart),
            Authorised = null, Reservation = null, NextPlaceholder = t.Start.Placeholder, Finishing = false,
        },
        ConnectorFact.StartAnswered a => this with
        {
            Transaction = Transaction?.Id == a.Placeholder ? Transaction with { Id = a.TransactionId } : Transaction,
            CutTransaction = CutTransaction?.TransactionId == a.Placeholder ? CutTransaction with { TransactionId = a.TransactionId } : CutTransaction,
        },
        ConnectorFact.TransactionStopped s => this with
        {
            Transaction = null, Finishing = s.VehiclePresent,
            InoperativeScheduled = false,
            UnavailableRequested = InoperativeScheduled ? s.UnavailableAccepted : UnavailableRequested,
        },
        ConnectorFact.VehicleLeft => Transaction is null ? this with { Finishing = false } : this,
        ConnectorFact.CutTransactionStopped => this with { CutTransaction = null },
        ConnectorFact.Reserved r => this with { Reservation = r.Reservation },
        ConnectorFact.ReservationEnded r => Reservation?.Id == r.ReservationId ? this with { Reservation = null } : this,
        ConnectorFact.Restarted => this with { Authorised = null },
        _ => throw new ArgumentOutOfRangeException(nameof(fact), fact, "not a connector fact"),
    };
}

/// <summary>A transaction that begins: its placeholder id, idTag, a remote start's profile, the reservation it takes up, meterStart and time.</summary>
public sealed record TransactionStart(int Placeholder, string IdTag, ChargingProfile? Profile, int? ReservationId, long MeterStart, DateTimeOffset At)
{
    public StartTransactionRequest Request => new(ConnectorState.Connector, IdTag, (int)MeterStart, At, ReservationId);

    public RememberedTransaction Remembered => new(ConnectorState.Connector, Placeholder, IdTag, MeterStart, At);
}

/// <summary>What happened to the connector, as <see cref="ConnectorState.Apply"/> folds it in.</summary>
public abstract record ConnectorFact
{
    private ConnectorFact() { }

    public sealed record Authorised(string IdTag, ChargingProfile? Profile) : ConnectorFact;

    public sealed record AuthorisationExpired(string IdTag) : ConnectorFact;

    public sealed record TransactionStarted(TransactionStart Start) : ConnectorFact;

    /// <summary>The central system answered the StartTransaction of <paramref name="Placeholder"/> with its id.</summary>
    public sealed record StartAnswered(int Placeholder, int TransactionId) : ConnectorFact;

    /// <summary>The transaction ended; a scheduled Inoperative is taken now (<paramref name="UnavailableAccepted"/>: the charger took it).</summary>
    public sealed record TransactionStopped(bool VehiclePresent, bool UnavailableAccepted) : ConnectorFact;

    public sealed record VehicleLeft : ConnectorFact
    {
        public static readonly VehicleLeft Instance = new();
    }

    public sealed record CutTransactionStopped : ConnectorFact
    {
        public static readonly CutTransactionStopped Instance = new();
    }

    public sealed record Reserved(Reservation Reservation) : ConnectorFact;

    public sealed record ReservationEnded(int ReservationId) : ConnectorFact;

    /// <summary>The charger restarted: an authorisation waiting for a vehicle is gone.</summary>
    public sealed record Restarted : ConnectorFact
    {
        public static readonly Restarted Instance = new();
    }
}
