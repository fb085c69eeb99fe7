using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>
/// A transaction cut by a power loss or a crash (OCPP 1.6 §4.10): the charge point remembered it
/// running and finds it at start. Pure.
/// </summary>
public static class PowerLossRecovery
{
    /// <summary>
    /// Whether the remembered transaction still owes its StopTransaction: not when one is already
    /// queued for it (the restart came between queueing the stop and forgetting the transaction),
    /// nor when its id is a placeholder whose StartTransaction is not queued (the restart came
    /// before the start was queued, or after it was answered but before the id was remembered: the
    /// central system's id is unknown, a stop could not name it).
    /// </summary>
    public static bool OwesStop(RememberedTransaction transaction, IEnumerable<QueuedTransactionMessage> queued)
    {
        var messages = queued.ToList();
        if (messages.Any(m => m.Request is StopTransactionRequest s && s.TransactionId == transaction.TransactionId)) return false;
        return transaction.TransactionId > 0 || messages.Any(m => m.StartPlaceholder == transaction.TransactionId);
    }

    /// <summary>
    /// Whether the cut transaction's stop goes now. <paramref name="moment"/> says why it is asked:
    /// a new transaction begins or the port has no register to wait for (<see cref="CutStopMoment.Now"/>:
    /// always), the connector changed (<see cref="CutStopMoment.RegisterAtStart"/>: once the charger's
    /// register is known and at or above meterStart, which a recovering unit reaches), or the wait
    /// for the register is over (<see cref="CutStopMoment.WaitOver"/>: once the register is known at
    /// all; a register not recovered yet would under-count the transaction, so the wait goes on).
    /// </summary>
    public static CutStopStep WhenToStop(CutStopMoment moment, RememberedTransaction cut, bool registerKnown, long registerWh) => moment switch
    {
        CutStopMoment.Now => CutStopStep.StopNow,
        _ when !registerKnown => moment == CutStopMoment.WaitOver ? CutStopStep.WaitOn : CutStopStep.NotYet,
        CutStopMoment.RegisterAtStart when registerWh < cut.MeterStart => CutStopStep.NotYet,
        _ => CutStopStep.StopNow,
    };

    /// <summary>
    /// The StopTransaction for it: reason PowerLoss, meterStop the charger's register now (the
    /// register never goes backwards; one not yet known or lower than meterStart gives meterStart).
    /// </summary>
    public static StopTransactionRequest Stop(RememberedTransaction transaction, long registerWh, DateTimeOffset at) =>
        new((int)Math.Max(registerWh, transaction.MeterStart), at, transaction.TransactionId, transaction.IdTag, StopTransactionReason.PowerLoss);
}

/// <summary>Why the charge point asks whether a cut transaction's stop may go (<see cref="PowerLossRecovery.WhenToStop"/>).</summary>
public enum CutStopMoment { Now, RegisterAtStart, WaitOver }

/// <summary>What <see cref="PowerLossRecovery.WhenToStop"/> decided: stop now, not yet (asked again on the next change), or wait on (the wait for the register is armed again).</summary>
public enum CutStopStep { StopNow, NotYet, WaitOn }
