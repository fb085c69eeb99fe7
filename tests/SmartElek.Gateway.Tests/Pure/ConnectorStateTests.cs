using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Pure;

// Transactions, authorisation, reservations and placeholder ids, decided without an actor.
[Trait("Speed", "Fast")]
public class ConnectorStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    internal static ConnectorState Fresh(ChargePointConfiguration? config = null) =>
        ConnectorState.From(ChargePointStart.Fresh(config ?? ChargePointConfiguration.Default(), [], T0));

    internal static ConnectorSnapshot ChargerNow(VehicleConnection vehicle = VehicleConnection.Connected, ConnectorFault fault = ConnectorFault.None,
        bool operative = true, long registerWh = 1000) =>
        new(vehicle, fault, operative, new MeterSnapshot(T0, registerWh, 0m, 0m, 16m, 240m, 60m, 1m));

    [Fact]
    public void No_transaction_begins_without_an_authorisation_a_vehicle_a_working_operative_charger_or_while_a_restart_waits()
    {
        var authorised = Fresh().Apply(new ConnectorFact.Authorised("TAG", null));
        Assert.Null(Fresh().DecideStart(ChargerNow(), false, T0));
        Assert.Null(authorised.DecideStart(ChargerNow(VehicleConnection.None), false, T0));
        Assert.Null(authorised.DecideStart(ChargerNow(fault: ConnectorFault.GroundFailure), false, T0));
        Assert.Null(authorised.DecideStart(ChargerNow(operative: false), false, T0));
        Assert.Null((authorised with { UnavailableRequested = true }).DecideStart(ChargerNow(), false, T0));
        Assert.Null(authorised.DecideStart(ChargerNow(), restartPending: true, T0));
        var start = authorised.DecideStart(ChargerNow(registerWh: 4321), false, T0)!;
        Assert.Equal(new TransactionStart(-1, "TAG", null, null, 4321, T0), start);
        Assert.Equal(new StartTransactionRequest(1, "TAG", 4321, T0), start.Request);
    }

    [Fact]
    public void A_start_takes_up_the_reservation_and_the_authorisation()
    {
        var reserved = Fresh().Apply(new ConnectorFact.Reserved(new Reservation(9, "TAG", null, T0.AddHours(1))))
            .Apply(new ConnectorFact.Authorised("TAG", null));
        var start = reserved.DecideStart(ChargerNow(), false, T0)!;
        Assert.Equal(9, start.ReservationId);
        var started = reserved.Apply(new ConnectorFact.TransactionStarted(start));
        Assert.Null(started.Reservation);
        Assert.Null(started.Authorised);
        Assert.Equal((-1, -1), (started.Transaction!.Id, started.NextPlaceholder));
        Assert.Null(started.DecideStart(ChargerNow(), false, T0)); // one at a time
    }

    // Any sequence of starts and stops: placeholder ids are negative and never used twice.
    [Fact]
    public void Placeholder_ids_are_negative_and_never_repeat()
    {
        Gen.Int[1, 40].Sample(starts =>
        {
            var state = Fresh();
            var seen = new HashSet<int>();
            for (var i = 0; i < starts; i++)
            {
                state = state.Apply(new ConnectorFact.Authorised($"T{i}", null));
                var start = state.DecideStart(ChargerNow(), false, T0)!;
                if (start.Placeholder >= 0 || !seen.Add(start.Placeholder)) return false;
                state = state.Apply(new ConnectorFact.TransactionStarted(start)).Apply(new ConnectorFact.TransactionStopped(true, false));
            }
            return true;
        });
    }

    [Fact]
    public void The_central_systems_id_replaces_the_placeholder_of_the_running_and_of_the_cut_transaction_only()
    {
        var cut = new RememberedTransaction(1, -5, "OLD", 10, T0);
        var state = ConnectorState.From(ChargePointStart.Fresh(ChargePointConfiguration.Default(), [], T0) with { CutTransaction = cut, NextPlaceholder = -5 })
            .Apply(new ConnectorFact.Authorised("TAG", null));
        state = state.Apply(new ConnectorFact.TransactionStarted(state.DecideStart(ChargerNow(), false, T0)!));
        Assert.Equal(-6, state.Transaction!.Id);
        var answeredCut = state.Apply(new ConnectorFact.StartAnswered(-5, 70));
        Assert.Equal((70, -6), (answeredCut.CutTransaction!.TransactionId, answeredCut.Transaction!.Id));
        var answeredRunning = state.Apply(new ConnectorFact.StartAnswered(-6, 71));
        Assert.Equal((-5, 71), (answeredRunning.CutTransaction!.TransactionId, answeredRunning.Transaction!.Id));
        Assert.Equal(71, answeredRunning.ActiveTransaction!.TransactionId);
    }

    [Theory]
    [InlineData(true, false, false, true, false)]
    [InlineData(false, false, false, false, false)]
    [InlineData(true, true, true, true, true)]    // a scheduled Inoperative the charger took
    [InlineData(true, true, false, true, false)]  // one it refused
    public void A_stop_leaves_the_connector_finishing_while_the_vehicle_is_there_and_takes_a_scheduled_Inoperative(
        bool vehicle, bool scheduled, bool accepted, bool finishing, bool unavailable)
    {
        var state = Fresh().Apply(new ConnectorFact.Authorised("TAG", null));
        state = state.Apply(new ConnectorFact.TransactionStarted(state.DecideStart(ChargerNow(), false, T0)!)) with { InoperativeScheduled = scheduled };
        var stopped = state.Apply(new ConnectorFact.TransactionStopped(vehicle, accepted));
        Assert.Null(stopped.Transaction);
        Assert.Equal((finishing, unavailable, false), (stopped.Finishing, stopped.UnavailableRequested, stopped.InoperativeScheduled));
        Assert.False(stopped.Apply(ConnectorFact.VehicleLeft.Instance).Finishing);
    }

    [Fact]
    public void An_authorisation_expires_only_for_its_own_tag_and_a_restart_forgets_it()
    {
        var state = Fresh().Apply(new ConnectorFact.Authorised("TAG", null));
        Assert.NotNull(state.Apply(new ConnectorFact.AuthorisationExpired("OTHER")).Authorised);
        Assert.Null(state.Apply(new ConnectorFact.AuthorisationExpired("TAG")).Authorised);
        Assert.Null(state.Apply(ConnectorFact.Restarted.Instance).Authorised);
    }

    [Fact]
    public void A_reservation_holds_against_other_tags_unless_it_has_a_parent_and_shows_as_Reserved()
    {
        var reserved = Fresh().Apply(new ConnectorFact.Reserved(new Reservation(3, "TAG", null, T0.AddHours(1))));
        Assert.True(reserved.ReservedForAnother("OTHER"));
        Assert.False(reserved.ReservedForAnother("TAG"));
        Assert.False((reserved with { Reservation = reserved.Reservation! with { ParentIdTag = "GROUP" } }).ReservedForAnother("OTHER"));
        Assert.Equal(ChargePointStatus.Reserved, reserved.StatusOf(ChargerNow(VehicleConnection.None)).Status);
        Assert.Null(reserved.Apply(new ConnectorFact.ReservationEnded(3)).Reservation);
        Assert.NotNull(reserved.Apply(new ConnectorFact.ReservationEnded(4)).Reservation);
    }
}
