using Akka.Actor;
using Akka.Cluster;
using SmartElek.Actors.Charger;
using SmartElek.Charger.Settings;
using SmartElek.Site.View;
using static SmartElek.Actors.SiteView.SiteViewProtocol;

namespace SmartElek.Actors.SiteView;

/// <summary>How a node's publisher paces what it sends.</summary>
/// <param name="Tick">How often pending changes go out: a change a person waits for goes at the next tick.</param>
/// <param name="DriftEvery">A charger's meter drift (amps, volts, energy) goes at most this often.</param>
/// <param name="ConfirmEvery">With nothing changed, an empty batch still confirms the node's chargers this often.</param>
/// <param name="FullEvery">All chargers again, in case a view missed something without noticing.</param>
public sealed record PublisherPacing(TimeSpan Tick, TimeSpan DriftEvery, TimeSpan ConfirmEvery, TimeSpan FullEvery, TimeSpan SettingsEvery)
{
    public static PublisherPacing Default { get; } =
        new(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(750), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
}

/// <summary>
/// Publishes this node's chargers to every node's site view (<c>/user/site-view</c> on each Up
/// member, this one too), throttled: it subscribes to each local unit's status, keeps the newest,
/// and every <see cref="PublisherPacing.Tick"/> sends one batch per member with the chargers whose
/// shown state changed; a new member gets a full batch at once. Each member's batches are counted,
/// so a view that misses one asks for a full batch (<see cref="SendFull"/>).
/// </summary>
public sealed class NodeStatusPublisher : ReceiveActor, IWithTimers
{
    private readonly List<(ChargerId Id, IActorRef Unit)> _units;
    private readonly Dictionary<IActorRef, ChargerId> _idByUnit = [];
    private readonly PublisherPacing _pacing;
    private readonly Guid _publisher = Guid.NewGuid();
    private readonly Dictionary<ChargerId, ChargerStatus> _statuses = [];
    private readonly Dictionary<ChargerId, ChargerSettings> _settings = [];
    private readonly Dictionary<ChargerId, (ChargerSnapshot Snapshot, DateTimeOffset At)> _sent = [];
    private readonly HashSet<ChargerId> _dirty = [];
    private readonly Dictionary<Address, long> _seqByMember = [];
    private string _node = "";
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<(ChargerId Id, IActorRef Unit)> units, PublisherPacing? pacing = null) =>
        Akka.Actor.Props.Create(() => new NodeStatusPublisher(units, pacing ?? PublisherPacing.Default));

    public NodeStatusPublisher(IReadOnlyList<(ChargerId Id, IActorRef Unit)> units, PublisherPacing pacing)
    {
        _units = [.. units];
        _pacing = pacing;
        foreach (var (id, unit) in units) _idByUnit[unit] = id;

        Receive<ChargerStatus>(s =>
        {
            _statuses[s.ChargerId] = s;
            _dirty.Add(s.ChargerId);
        });
        Receive<ChargerSettings>(s =>
        {
            if (!_idByUnit.TryGetValue(Sender, out var id)) return;
            _settings[id] = s;
            _dirty.Add(id);
        });
        Receive<SettingsChanged>(c =>
        {
            _settings[c.Charger] = c.Settings;
            _dirty.Add(c.Charger);
        });
        Receive<ChargerProtocol.ButtonActionTriggered>(_ => { });
        Receive<AddUnit>(a =>
        {
            if (_idByUnit.ContainsKey(a.Unit)) return;
            _units.Add((a.Id, a.Unit));
            _idByUnit[a.Unit] = a.Id;
            a.Unit.Tell(new ChargerProtocol.SubscribeStatus(Self));
            a.Unit.Tell(ChargerProtocol.GetSettings.Instance);
        });
        Receive<Tick>(_ => OnTick());
        Receive<FullTick>(_ =>
        {
            foreach (var member in _seqByMember.Keys.ToList()) SendTo(member, full: true, []);
        });
        Receive<SettingsTick>(_ =>
        {
            foreach (var (_, unit) in _units) unit.Tell(ChargerProtocol.GetSettings.Instance);
        });
        Receive<SendFull>(r => r.Publisher == _publisher, _ => SendTo(Sender.Path.Address.HasGlobalScope ? Sender.Path.Address : Cluster.Get(Context.System).SelfAddress, full: true, []));
        Receive<SendFull>(_ => { });
        Receive<ClusterEvent.MemberUp>(m =>
        {
            _seqByMember[m.Member.Address] = 0;
            SendTo(m.Member.Address, full: true, []);
        });
        Receive<ClusterEvent.MemberRemoved>(m => _seqByMember.Remove(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    protected override void PreStart()
    {
        _node = Cluster.Get(Context.System).SelfAddress.ToString();
        foreach (var (_, unit) in _units)
        {
            unit.Tell(new ChargerProtocol.SubscribeStatus(Self));
            unit.Tell(ChargerProtocol.GetSettings.Instance);
        }
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("tick", Tick.Instance, _pacing.Tick);
        Timers.StartPeriodicTimer("full", FullTick.Instance, _pacing.FullEvery);
        Timers.StartPeriodicTimer("settings", SettingsTick.Instance, _pacing.SettingsEvery);
    }

    protected override void PostStop()
    {
        foreach (var (_, unit) in _units) unit.Tell(new ChargerProtocol.UnsubscribeStatus(Self));
        Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private void OnTick()
    {
        var now = Now;
        var changed = new List<ChargerSnapshot>();
        foreach (var id in _dirty.ToList())
        {
            var snapshot = ChargerSnapshots.Of(_statuses[id], _settings.GetValueOrDefault(id));
            var before = _sent.TryGetValue(id, out var s) ? s : default;
            if (snapshot.SameAs(before.Snapshot))
            {
                _dirty.Remove(id);
                continue;
            }
            // Meter drift waits for its slot; everything else goes now.
            if (!ChargerSnapshot.IsMajorChange(before.Snapshot, snapshot) && now - before.At < _pacing.DriftEvery) continue;
            changed.Add(snapshot);
            _sent[id] = (snapshot, now);
            _dirty.Remove(id);
        }
        if (changed.Count == 0 && now - _lastSent < _pacing.ConfirmEvery) return;
        foreach (var member in _seqByMember.Keys.ToList()) SendTo(member, full: false, changed);
        _lastSent = now;
    }

    private void SendTo(Address member, bool full, IReadOnlyList<ChargerSnapshot> changed)
    {
        if (!_seqByMember.TryGetValue(member, out var seq)) return;
        _seqByMember[member] = ++seq;
        IReadOnlyList<ChargerSnapshot> chargers = full
            ? [.. _statuses.Values.Select(s => _sent.TryGetValue(s.ChargerId, out var sent) && !_dirty.Contains(s.ChargerId)
                ? sent.Snapshot : ChargerSnapshots.Of(s, _settings.GetValueOrDefault(s.ChargerId)))]
            : changed;
        Context.ActorSelection(new RootActorPath(member) / "user" / ViewName).Tell(new StatusBatch(_node, _publisher, seq, full, chargers), Self);
    }
}
