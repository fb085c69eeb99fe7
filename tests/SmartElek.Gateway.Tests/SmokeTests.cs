namespace SmartElek.Gateway.Tests;

[Trait("Speed", "Fast")]
public class ProjectSmokeTests
{
    [Fact]
    public void Charger_id_rejects_an_empty_name() =>
        Assert.Throws<ArgumentException>(() => new SmartElek.ChargerId(" "));
}
