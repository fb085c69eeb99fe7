using Akka.Actor;
using Akka.Event;
using System.Collections.Immutable;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.SmartCharging;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.ChargePoint;

// The connector: status, the composite limit, authorisation, transactions and their meter data.
public sealed partial class ChargePointActor
{
    private static readonly TimeSpan PowerLossStopWait = TimeSpan.FromSeconds(10);

    // A status is not reported ahead of the StartTransaction or StopTransaction that explains it (pure: StatusReporting).
    private StatusReporting _reporting = new();
    private bool _cutStopWaiting;
    // StopTransaction.transactionData: StopTxnSampledData / StopTxnAlignedData taken during the transaction, thinned to StopTxnMaxMeterValues.
    private TransactionData _transactionData = TransactionData.Empty(TransactionData.MinimumCapacity);
    private decimal? _lastLimit;

    private ConnectorStatus CurrentStatus() => _state.StatusOf(_port.Read());

    // Until its StartTransaction is sent, a transaction's connector is Preparing to the central
    // system (and Finishing only after its StopTransaction); a triggered status goes at once.
    private void ReportStatus(bool force = false, bool triggered = false)
    {
        var status = CurrentStatus();
        (_reporting, var send) = _reporting.Report(status, force, triggered);
        if (send) Enqueue(new StatusNotificationRequest(Connector, status.ErrorCode, status.Status, status.Info, Now), triggered: triggered);
    }

    // OCPP 1.6 §4.10: the transaction cut by the power loss is stopped with reason PowerLoss,
    // through the queue (after any of its messages still owed, placeholder rewritten as usual).
    private void StopCutTransaction(CutStopMoment moment = CutStopMoment.Now)
    {
        if (_state.CutTransaction is not { } cut) return;
        var meter = _port.Read().Meter;
        switch (PowerLossRecovery.WhenToStop(moment, cut, meter.RegisterKnown, meter.EnergyWh))
        {
            case CutStopStep.NotYet:
                return;
            case CutStopStep.WaitOn:
                if (!_cutStopWaiting)
                    _log.Warning("{0}: transaction {1} was cut by a power loss; its stop waits for the charger's register, not recovered yet", _settings.Id, cut.TransactionId);
                _cutStopWaiting = true;
                Timers.StartSingleTimer("power-loss-stop", new PowerLossStopDue(), PowerLossStopWait);
                return;
        }
        _state = _state.Apply(ConnectorFact.CutTransactionStopped.Instance);
        Timers.Cancel("power-loss-stop");
        var stop = PowerLossRecovery.Stop(cut, meter.EnergyWh, Now);
        _log.Info("{0}: transaction {1} was cut by a power loss; stopped at {2} Wh", _settings.Id, cut.TransactionId, stop.MeterStop);
        EnqueueTransactionMessage(stop);
        _memory?.RememberTransaction(null);
    }

    private void OnConnectorChanged()
    {
        StopCutTransaction(CutStopMoment.RegisterAtStart);
        var s = _port.Read();
        if (_state.Transaction is not null && s.Vehicle == VehicleConnection.None && _state.Configuration.StopTransactionOnEVSideDisconnect)
            StopTransaction(StopTransactionReason.EVDisconnected);
        if (s.Vehicle == VehicleConnection.None) _state = _state.Apply(ConnectorFact.VehicleLeft.Instance);
        TryStartTransaction();
        ReportStatus();
        AnswerUnlocks(); // the relays may have opened
    }

    private void UpdateLimit()
    {
        // The composite of the next day: its first period is the cap now, its second says when to look again.
        var schedule = CompositeSchedule.Compute(_state.Profiles, Connector, Now, 86_400, ChargingRateUnit.A, _settings.SupplyOrDefault, _state.ActiveTransaction);
        var periods = schedule.ChargingSchedulePeriod;
        // Period starts are whole seconds rounded down: one more second is never early, at most 1 s late.
        Timers.StartSingleTimer("limit", new LimitTick(), periods.Count > 1 ? TimeSpan.FromSeconds(periods[1].StartPeriod + 1) : TimeSpan.FromHours(1));
        var limit = periods[0].Limit;
        if (limit == _lastLimit) return;
        _lastLimit = limit;
        _port.ApplyCurrentLimit(limit);
    }

    private void RequestAuthorization(string idTag, ChargingProfile? profile)
    {
        if (idTag.Length is 0 or > 20)
        {
            _log.Warning("{0}: idTag '{1}' refused: an idTag has 1 to 20 characters", _settings.Id, idTag);
            return;
        }
        if (_state.Transaction is not null) return;
        var config = _state.Configuration;
        var (listEnabled, cacheEnabled) = (config.LocalAuthListEnabled, config.AuthorizationCacheEnabled);
        var auth = _state.Authorization;
        var local = auth.Lookup(idTag, Now, listEnabled, cacheEnabled);
        if (auth.AnswersFromCache(idTag, listEnabled, cacheEnabled) && auth.Cache.Use(idTag, Now) is (var used, { } entry))
        {
            _state = _state with { Authorization = auth with { Cache = used } };
            _memory?.RememberCacheEntry(idTag, entry, []);
        }
        if (AuthorizationRules.OnPresented(local, _line.Online, config) == PresentedTagStep.StartNow) Authorise(idTag, profile);
        else Enqueue(new AuthorizeRequest(idTag), new AuthorizationAsked(idTag, profile, local));
    }

    private void OnAuthorizeAnswer(AuthorizationAsked asked, IdTagInfo info)
    {
        LearnAuthorization(asked.IdTag, info);
        if (info.Status == AuthorizationStatus.Accepted) Authorise(asked.IdTag, asked.Profile);
        else _log.Info("{0}: idTag {1} not authorised: {2}", _settings.Id, asked.IdTag, info.Status);
    }

    // Offline: the local list and cache decide; an unknown tag only if allowed.
    private void OnAuthorizeFailed(AuthorizationAsked asked)
    {
        if (AuthorizationRules.AdmitsOffline(asked.Local, _state.Configuration)) Authorise(asked.IdTag, asked.Profile);
        else _log.Info("{0}: idTag {1} not authorised offline", _settings.Id, asked.IdTag);
    }

    // OCPP 1.6 §3.5: every idTagInfo the central system gives updates the cache (when enabled), durably.
    private void LearnAuthorization(string idTag, IdTagInfo info)
    {
        if (!_state.Configuration.AuthorizationCacheEnabled) return;
        var (cache, evicted) = _state.Authorization.Cache.Remember(idTag, info, Now);
        _state = _state with { Authorization = _state.Authorization with { Cache = cache } };
        if (cache.Entries.TryGetValue(idTag, out var entry)) _memory?.RememberCacheEntry(idTag, entry, evicted);
    }

    private void Authorise(string idTag, ChargingProfile? profile)
    {
        if (_state.ReservedForAnother(idTag))
        {
            _log.Info("{0}: connector reserved for another idTag; {1} refused", _settings.Id, idTag);
            return;
        }
        _state = _state.Apply(new ConnectorFact.Authorised(idTag, profile));
        TryStartTransaction();
        if (_state.Transaction is null)
            Timers.StartSingleTimer("authorised", new AuthorizationExpired(idTag), _state.Configuration.ConnectionTimeOut);
    }

    private void TryStartTransaction()
    {
        if (_state.Transaction is not null || _state.Authorised is null || _restart is not null) return;
        StopCutTransaction(); // the cut one ends before a new one begins
        if (_state.DecideStart(_port.Read(), _restart is not null, Now) is not { } start) return;
        if (!_port.StartCharging(start.IdTag)) return;
        Timers.Cancel("authorised");
        Timers.Cancel("reservation");
        _state = _state.Apply(new ConnectorFact.TransactionStarted(start));
        // Remembered before its start is queued: a placeholder found without its start was never begun.
        _memory?.RememberTransaction(start.Remembered);
        _transactionData = TransactionData.Empty(_state.Configuration.StopTxnMaxMeterValues);
        KeepTransactionData(_state.Configuration.StopTxnSampledData, ReadingContext.TransactionBegin, Now);
        EnqueueTransactionMessage(start.Request, start.Placeholder);
        if (start.Profile is { } profile)
            SetState(_state with
            {
                Profiles = _state.Profiles.Set(Connector, profile with { TransactionId = null }, _state.ActiveTransaction,
                    _state.Configuration.SmartChargingLimits, Now).Profiles,
            });
        RestartMeterSampling();
        UpdateLimit();
        ReportStatus();
    }

    private void OnTransactionStarted(int placeholder, StartTransactionRequest request, StartTransactionResponse answer)
    {
        _queue.RemapTransactionId(placeholder, answer.TransactionId);
        if (_state.Profiles.Installed.Any(i => i.Profile.TransactionId == placeholder))
            SetState(_state with
            {
                Profiles = new ChargingProfiles(_state.Profiles.Installed.Select(i => i.Profile.TransactionId == placeholder
                    ? i with { Profile = i.Profile with { TransactionId = answer.TransactionId } } : i).ToImmutableList()),
            });
        LearnAuthorization(request.IdTag, answer.IdTagInfo);
        var cut = _state.CutTransaction?.TransactionId == placeholder;
        var running = _state.Transaction?.Id == placeholder;
        _state = _state.Apply(new ConnectorFact.StartAnswered(placeholder, answer.TransactionId));
        // A cut transaction's stop is not queued yet: it must carry the central system's id.
        if (cut) _memory?.RememberTransaction(_state.CutTransaction);
        if (!running || _state.Transaction is not { } t) return;
        _memory?.RememberTransaction(new RememberedTransaction(Connector, t.Id, t.IdTag, t.MeterStart, t.Start));
        if (answer.IdTagInfo.Status != AuthorizationStatus.Accepted && _state.Configuration.StopTransactionOnInvalidId)
            StopTransaction(StopTransactionReason.DeAuthorized);
    }

    /// <returns>the queue sequence of its StopTransaction</returns>
    private long StopTransaction(StopTransactionReason reason)
    {
        var t = _state.Transaction!;
        var s = _port.Read();
        _port.StopCharging(reason);
        KeepTransactionData(_state.Configuration.StopTxnSampledData, ReadingContext.TransactionEnd, Now);
        var data = _transactionData.Readings();
        _transactionData = TransactionData.Empty(TransactionData.MinimumCapacity);
        _state = _state with { Transaction = null };
        Timers.Cancel("meter");
        var stop = EnqueueTransactionMessage(new StopTransactionRequest((int)s.Meter.EnergyWh, Now, t.Id, t.IdTag, reason, data));
        _memory?.RememberTransaction(null);
        SetState(_state with { Profiles = _state.Profiles.EndTransaction(Connector) });
        // An Inoperative asked for during the transaction is taken now.
        var unavailable = _state.InoperativeScheduled && _port.SetAvailability(false);
        _state = _state.Apply(new ConnectorFact.TransactionStopped(s.Vehicle != VehicleConnection.None, unavailable));
        UpdateLimit();
        ReportStatus();
        return stop;
    }

    private void RestartMeterSampling()
    {
        var interval = _state.Configuration.MeterValueSampleInterval;
        if (_state.Transaction is not null && interval > TimeSpan.Zero) Timers.StartPeriodicTimer("meter", new MeterTick(), interval);
        else Timers.Cancel("meter");
    }

    private void OnMeterTick()
    {
        if (_state.Transaction is not { } t) return;
        EnqueueTransactionMessage(new MeterValuesRequest(Connector, [Sample(ReadingContext.SamplePeriodic)], t.Id));
        KeepTransactionData(_state.Configuration.StopTxnSampledData, ReadingContext.SamplePeriodic, Now);
        ReportStatus(); // a vehicle that stops drawing shows as SuspendedEV
    }

    private void RestartClockAligned()
    {
        if (MeterSampling.FirstAligned(Now, _state.Configuration.ClockAlignedDataInterval) is not var (next, wait))
        {
            Timers.Cancel("aligned");
            return;
        }
        Timers.StartSingleTimer("aligned", new AlignedTick(next), wait);
    }

    // At each boundary: MeterValuesAlignedData (context Sample.Clock), stamped with the boundary; a
    // transaction's reading is a transaction message (queued, in order), any other is sent if online.
    private void OnAlignedTick(DateTimeOffset boundary)
    {
        var interval = _state.Configuration.ClockAlignedDataInterval;
        if (interval <= TimeSpan.Zero) return;
        var reading = MeterSampling.Sample(_port.Read().Meter, ReadingContext.SampleClock, _state.Configuration.MeterValuesAlignedData, boundary);
        if (reading.SampledValue.Count > 0)
        {
            if (_state.Transaction is { } t) EnqueueTransactionMessage(new MeterValuesRequest(Connector, [reading], t.Id));
            else Enqueue(new MeterValuesRequest(Connector, [reading]));
        }
        KeepTransactionData(_state.Configuration.StopTxnAlignedData, ReadingContext.SampleClock, boundary);
        var (next, wait) = MeterSampling.NextAligned(boundary, Now, interval);
        Timers.StartSingleTimer("aligned", new AlignedTick(next), wait);
    }

    private void KeepTransactionData(IReadOnlyList<Measurand> measurands, ReadingContext context, DateTimeOffset at)
    {
        if (_state.Transaction is null) return;
        _transactionData = _transactionData.Add(MeterSampling.Sample(_port.Read().Meter, context, measurands, at));
    }

    private MeterValue Sample(ReadingContext context) => MeterSampling.Sample(_port.Read().Meter, context, _state.Configuration.MeterValuesSampledData, Now);
}
