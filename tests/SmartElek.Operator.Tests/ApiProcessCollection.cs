namespace SmartElek.Operator.Tests;

/// <summary>
/// API tests start real Host processes. They wait on the site far more than they compute (a Host of
/// six simulated chargers idles at a few percent of a core), so two of these collections run side by
/// side, each one test at a time; they are balanced by their run time (about 2.5 minutes each).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ApiProcessCollection
{
    public const string Name = "api-processes";
}

/// <inheritdoc cref="ApiProcessCollection"/>
[CollectionDefinition(Name)]
public sealed class SecondApiProcessCollection
{
    public const string Name = "api-processes-2";
}
