using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.ChargePoint;

/// <summary>What the charge point does with an idTag presented at its connector.</summary>
public enum PresentedTagStep
{
    /// <summary>Authorised here (local list or cache, or an unknown tag admitted offline): the transaction may start.</summary>
    StartNow,

    /// <summary>Sent to the central system in an Authorize; its answer (or, offline, <see cref="AuthorizationRules.AdmitsOffline"/>) decides.</summary>
    Ask,
}

/// <summary>
/// OCPP 1.6 §3.4-3.5 and the configuration keys that steer them: when a presented idTag may start a
/// transaction without asking the central system. <c>LocalPreAuthorize</c> lets an accepted local
/// entry start at once while online; <c>LocalAuthorizeOffline</c> lets it start while offline;
/// <c>AllowOfflineTxForUnknownId</c> admits a tag neither the list nor the cache knows while offline.
/// A tag known locally as anything but Accepted is never started without the central system.
/// </summary>
public static class AuthorizationRules
{
    /// <param name="local">what the local list or cache says of the tag (null: unknown here)</param>
    /// <param name="online">whether the central system can be asked now</param>
    public static PresentedTagStep OnPresented(IdTagInfo? local, bool online, ChargePointConfiguration config)
    {
        if (local?.Status == AuthorizationStatus.Accepted && (online ? config.LocalPreAuthorize : config.LocalAuthorizeOffline))
            return PresentedTagStep.StartNow;
        // Offline, an unknown tag the configuration admits starts at once; any other waits for the
        // Authorize (held while the charge point starts up, failed when the line is down).
        if (!online && local is null && config.AllowOfflineTxForUnknownId) return PresentedTagStep.StartNow;
        return PresentedTagStep.Ask;
    }

    /// <summary>An Authorize that got no answer (offline): whether the tag may start on what is known here.</summary>
    public static bool AdmitsOffline(IdTagInfo? local, ChargePointConfiguration config) =>
        local is null ? config.AllowOfflineTxForUnknownId : local.Status == AuthorizationStatus.Accepted && config.LocalAuthorizeOffline;
}
