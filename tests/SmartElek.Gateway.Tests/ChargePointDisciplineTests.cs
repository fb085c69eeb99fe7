using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using CsCheck;
using SmartElek.Gateway.ChargePoint;
using SmartElek.Gateway.Connection;
using SmartElek.Gateway.Framing;
using SmartElek.Gateway.Ocpp16;
using SmartElek.Gateway.Tests.Interop;
using Xunit.Abstractions;
using static SmartElek.Gateway.ChargePoint.ChargePointProtocol;

namespace SmartElek.Gateway.Tests;

/// <summary>A link that keeps what the charge point sent, for a test that steps the actor itself.</summary>
internal sealed class RecordingLink : IOcppLink
{
    public ConcurrentQueue<string> Sent { get; } = new();
    public void Start(IActorRef owner) { }
    public bool Send(string frame) { Sent.Enqueue(frame); return true; }
    public Task StopAsync() => Task.CompletedTask;
}

/// <summary>
/// Property: whatever the central system, the vehicle and the network do, the charge point keeps
/// OCPP's discipline: nothing but BootNotification before Boot is accepted, one outstanding CALL
/// of its own at a time, every incoming CALL answered, and every transaction message that was
/// delivered (answered) is never sent again and arrives in chronological order.
/// </summary>
[Trait("Speed", "Fast")]
public sealed class ChargePointDisciplineTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(@"akka.scheduler.implementation = ""Akka.TestKit.TestScheduler, Akka.TestKit""
                                   akka.loglevel = ERROR", output: output)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private enum Op { Connect, Disconnect, Plug, Unplug, LocalStart, LocalStop, Advance, AnswerOk, AnswerError, CsCall }

    private static readonly Gen<(Op Op, int Arg)> Step =
        Gen.Select(Gen.Frequency((2, Gen.Const(Op.Connect)), (1, Gen.Const(Op.Disconnect)), (2, Gen.Const(Op.Plug)), (1, Gen.Const(Op.Unplug)),
            (2, Gen.Const(Op.LocalStart)), (1, Gen.Const(Op.LocalStop)), (4, Gen.Const(Op.Advance)), (8, Gen.Const(Op.AnswerOk)),
            (1, Gen.Const(Op.AnswerError)), (2, Gen.Const(Op.CsCall))), Gen.Int[1, 120]);

    [Fact]
    public void The_charge_point_keeps_the_OCPP_call_discipline_under_any_interleaving() =>
        Step.Array[10, 60].Sample(steps => Run(steps).GetAwaiter().GetResult(), iter: 40, threads: 1);

    private async Task<bool> Run((Op Op, int Arg)[] steps)
    {
        var scheduler = (TestScheduler)Sys.Scheduler;
        var link = new RecordingLink();
        var connector = new SimulatedConnector();
        var start = scheduler.Now;
        var config = ChargePointConfiguration.Default(meterSampleSeconds: 30).Change("AllowOfflineTxForUnknownId", "true").Configuration;
        var cp = Sys.ActorOf(ChargePointActor.Props(new ChargePointSettings(new ChargerId("SE-P"), Configuration: config,
            CallTimeout: TimeSpan.FromSeconds(30), Clock: () => T0 + (scheduler.Now - start)), connector, link));

        var connected = false;
        var accepted = false;
        (string Id, string Action, IOcppRequest Request, TimeSpan SentAt)? outstanding = null;
        var csCalls = new HashSet<string>();
        // A resend of a delivered message would repeat it right after itself (it was the queue's head);
        // two equal messages with another one between them are two real events at one virtual instant.
        string? lastDelivered = null;
        var deliveredStamps = new List<DateTimeOffset>();
        var nextTx = 100;
        var csId = 0;

        async Task Sync()
        {
            await cp.Ask<ChargePointState>(GetState.Instance);
            while (link.Sent.TryDequeue(out var frame))
            {
                switch (OcppFrames.Decode(frame))
                {
                    case DecodedCall call:
                        Assert.True(connected, $"{call.Action} sent while disconnected");
                        Assert.True(outstanding is null, $"{call.Action} sent while {outstanding?.Action} is outstanding");
                        Assert.True(accepted || call.Action == "BootNotification", $"{call.Action} before Boot was accepted");
                        outstanding = (call.MessageId, call.Action, call.Request, scheduler.Now - start);
                        break;
                    case DecodedResult r:
                        Assert.True(csCalls.Remove(r.MessageId), $"an answer to an unknown CALL {r.MessageId}");
                        break;
                    case DecodedError e:
                        Assert.True(csCalls.Remove(e.MessageId), $"an error to an unknown CALL {e.MessageId}");
                        Assert.Equal(CallErrorCode.SecurityError, e.Code); // only before Boot is accepted
                        break;
                    default:
                        Assert.Fail($"the charge point sent an undecodable frame: {frame}");
                        break;
                }
            }
        }

        foreach (var (op, arg) in steps)
        {
            switch (op)
            {
                case Op.Connect when !connected:
                    connected = true;
                    outstanding = null;
                    cp.Tell(new OcppLinkProtocol.Connected(new Uri("ws://test/SE-P")));
                    break;
                case Op.Disconnect when connected:
                    connected = false;
                    outstanding = null;
                    cp.Tell(new OcppLinkProtocol.Disconnected("test"));
                    break;
                case Op.Plug:
                    connector.Vehicle = VehicleConnection.RequestingEnergy;
                    cp.Tell(ConnectorChanged.Instance);
                    break;
                case Op.Unplug:
                    connector.Vehicle = VehicleConnection.None;
                    cp.Tell(ConnectorChanged.Instance);
                    break;
                case Op.LocalStart:
                    cp.Tell(new LocalStartRequested("TAG-" + (arg % 3)));
                    break;
                case Op.LocalStop:
                    cp.Tell(new LocalStopRequested());
                    break;
                case Op.Advance:
                    scheduler.Advance(TimeSpan.FromSeconds(arg));
                    // A CALL unanswered for the call timeout is abandoned by the charge point.
                    if (outstanding is { } waiting && scheduler.Now - start - waiting.SentAt >= TimeSpan.FromSeconds(30)) outstanding = null;
                    break;
                case Op.AnswerOk when outstanding is { } o && connected:
                    IOcppResponse response = o.Request switch
                    {
                        BootNotificationRequest => new BootNotificationResponse(RegistrationStatus.Accepted, T0, 0),
                        StartTransactionRequest => new StartTransactionResponse(new IdTagInfo(AuthorizationStatus.Accepted), nextTx++),
                        AuthorizeRequest => new AuthorizeResponse(new IdTagInfo(AuthorizationStatus.Accepted)),
                        StopTransactionRequest => new StopTransactionResponse(),
                        MeterValuesRequest => new MeterValuesResponse(),
                        HeartbeatRequest => new HeartbeatResponse(T0),
                        _ => new StatusNotificationResponse(),
                    };
                    if (o.Request is BootNotificationRequest) accepted = true;
                    if (o.Request is StartTransactionRequest or StopTransactionRequest or MeterValuesRequest)
                    {
                        var key = o.Action + OcppFrames.EncodePayload(o.Request);
                        Assert.True(key != lastDelivered, $"a delivered transaction message was sent again: {key}");
                        lastDelivered = key;
                        deliveredStamps.Add(o.Request switch
                        {
                            StartTransactionRequest s => s.Timestamp,
                            StopTransactionRequest s => s.Timestamp,
                            MeterValuesRequest m => m.MeterValue[0].Timestamp,
                            _ => throw new InvalidOperationException(),
                        });
                    }
                    outstanding = null;
                    cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeResult(o.Id, response)));
                    break;
                case Op.AnswerError when outstanding is { } o && connected:
                    outstanding = null;
                    cp.Tell(new OcppLinkProtocol.Received(OcppFrames.Error(o.Id, CallErrorCode.InternalError, "test")));
                    break;
                case Op.CsCall when connected:
                    var id = "cs" + csId++;
                    csCalls.Add(id);
                    IOcppRequest request = (arg % 3) switch
                    {
                        0 => new TriggerMessageRequest(MessageTrigger.StatusNotification),
                        1 => new GetConfigurationRequest(),
                        _ => new RemoteStartTransactionRequest("TAG-R", 1),
                    };
                    cp.Tell(new OcppLinkProtocol.Received(OcppFrames.EncodeCall(id, request)));
                    break;
            }
            await Sync();
        }
        Assert.Empty(csCalls); // every incoming CALL was answered
        Assert.Equal(deliveredStamps.Order().ToList(), deliveredStamps);
        await cp.GracefulStop(TimeSpan.FromSeconds(5));
        return true;
    }
}
