using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Ocpp16;

namespace SmartElek.Gateway.Tests.Pure;

/// <summary>
/// When a presented idTag starts without the central system, over every case there is: online or not,
/// what the list or cache says (unknown or each status), and each of the three configuration keys.
/// </summary>
[Trait("Speed", "Fast")]
public class AuthorizationRulesTests
{
    private sealed record Case(bool Online, AuthorizationStatus? Local, bool PreAuthorize, bool AuthorizeOffline, bool UnknownOffline)
    {
        public IdTagInfo? Info => Local is { } s ? new IdTagInfo(s) : null;

        public ChargePointConfiguration Configuration => new[]
            {
                ("LocalPreAuthorize", PreAuthorize), ("LocalAuthorizeOffline", AuthorizeOffline), ("AllowOfflineTxForUnknownId", UnknownOffline),
            }
            .Aggregate(ChargePointConfiguration.Default(), (c, k) => c.Change(k.Item1, k.Item2 ? "true" : "false").Configuration);
    }

    private static IEnumerable<Case> Every() =>
        from online in new[] { true, false }
        from local in new AuthorizationStatus?[] { null }.Concat(Enum.GetValues<AuthorizationStatus>().Cast<AuthorizationStatus?>())
        from pre in new[] { true, false }
        from offline in new[] { true, false }
        from unknown in new[] { true, false }
        select new Case(online, local, pre, offline, unknown);

    [Fact]
    public void The_three_keys_read_as_set()
    {
        foreach (var c in Every())
            Assert.Equal((c.PreAuthorize, c.AuthorizeOffline, c.UnknownOffline),
                (c.Configuration.LocalPreAuthorize, c.Configuration.LocalAuthorizeOffline, c.Configuration.AllowOfflineTxForUnknownId));
    }

    [Fact]
    public void A_tag_known_here_as_anything_but_accepted_never_starts_without_the_central_system()
    {
        foreach (var c in Every().Where(c => c.Local is { } s && s != AuthorizationStatus.Accepted))
        {
            Assert.Equal(PresentedTagStep.Ask, AuthorizationRules.OnPresented(c.Info, c.Online, c.Configuration));
            Assert.False(AuthorizationRules.AdmitsOffline(c.Info, c.Configuration), c.ToString());
        }
    }

    [Fact]
    public void Online_only_an_accepted_local_entry_with_LocalPreAuthorize_starts_at_once()
    {
        foreach (var c in Every().Where(c => c.Online))
            Assert.Equal(c is { Local: AuthorizationStatus.Accepted, PreAuthorize: true } ? PresentedTagStep.StartNow : PresentedTagStep.Ask,
                AuthorizationRules.OnPresented(c.Info, c.Online, c.Configuration));
    }

    [Fact]
    public void Offline_an_accepted_entry_starts_only_with_LocalAuthorizeOffline_and_an_unknown_tag_only_with_AllowOfflineTxForUnknownId()
    {
        foreach (var c in Every().Where(c => !c.Online && c.Local is null or AuthorizationStatus.Accepted))
        {
            var admitted = c.Local is null ? c.UnknownOffline : c.AuthorizeOffline;
            Assert.Equal(admitted, AuthorizationRules.AdmitsOffline(c.Info, c.Configuration));
            Assert.Equal(admitted ? PresentedTagStep.StartNow : PresentedTagStep.Ask, AuthorizationRules.OnPresented(c.Info, c.Online, c.Configuration));
            // LocalPreAuthorize speaks of online only.
            Assert.Equal(AuthorizationRules.OnPresented(c.Info, false, c.Configuration),
                AuthorizationRules.OnPresented(c.Info, false, (c with { PreAuthorize = !c.PreAuthorize }).Configuration));
        }
    }

    [Fact]
    public void What_starts_at_once_offline_is_also_admitted_when_an_Authorize_gets_no_answer()
    {
        foreach (var c in Every().Where(c => !c.Online))
            if (AuthorizationRules.OnPresented(c.Info, false, c.Configuration) == PresentedTagStep.StartNow)
                Assert.True(AuthorizationRules.AdmitsOffline(c.Info, c.Configuration), c.ToString());
    }
}
