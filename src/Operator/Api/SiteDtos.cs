namespace SmartElek.Operator.Api;

/// <summary>The site at a glance.</summary>
public sealed record SiteDto(string Name, string Phases, int Chargers, int Circuits);
