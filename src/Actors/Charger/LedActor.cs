using Akka.Actor;
using SmartElek.Charger.Hardware;
using SmartElek.Charger.Leds;

namespace SmartElek.Actors.Charger;

public static class LedProtocol
{
    public sealed record ShowStatus(StatusIndication Indication);

    public sealed record ShowNetwork(NetworkIndication Indication);
}

/// <summary>Drives the STATUS and NETWORK LEDs with the manual's patterns.</summary>
public sealed class LedActor : ReceiveActor
{
    public static Props Props(ILed status, ILed network, ChargerUnitOptions options) =>
        options.On(Akka.Actor.Props.Create(() => new LedActor(status, network)));

    public LedActor(ILed status, ILed network)
    {
        Receive<LedProtocol.ShowStatus>(s => status.Show(StatusLed.For(s.Indication)));
        Receive<LedProtocol.ShowNetwork>(n => network.Show(NetworkLed.For(n.Indication)));
    }
}
