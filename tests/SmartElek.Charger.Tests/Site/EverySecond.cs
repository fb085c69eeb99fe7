using SmartElek.Site.Grants;
using Member = SmartElek.Charger.Tests.Site.GrantLedgerTests.Member;

namespace SmartElek.Charger.Tests.Site;

/// <summary>
/// A ledger and its members one second at a time, as the site runs them without actors: each second every member
/// reports (its vehicle drawing what it was offered the second before, when it wants current) and a round runs.
/// </summary>
internal sealed class EverySecond(GrantLedger ledger, DateTimeOffset start, params Member[] members)
{
    public DateTimeOffset Now { get; private set; } = start;

    /// <summary>Called after each second's round (to watch a figure between assertions).</summary>
    public Action? AfterEachRound { get; init; }

    public void Run(TimeSpan span)
    {
        for (var end = Now + span; Now < end;)
        {
            Now += TimeSpan.FromSeconds(1);
            foreach (var m in members)
            {
                m.Drawn = m.Wants ? m.Offer : 0;
                m.Take(ledger.OnReport(m.Report(Now), Now), Now);
            }
            var round = ledger.Reallocate(Now);
            foreach (var m in members) m.Take(round, Now);
            AfterEachRound?.Invoke();
        }
    }

    /// <summary>One report of <paramref name="member"/> <paramref name="after"/> from now, with no round.</summary>
    public void ReportOnly(Member member, TimeSpan after)
    {
        Now += after;
        member.Take(ledger.OnReport(member.Report(Now), Now), Now);
    }
}
