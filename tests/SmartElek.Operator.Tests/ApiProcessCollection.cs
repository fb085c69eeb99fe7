namespace SmartElek.Operator.Tests;

/// <summary>API tests start real Host processes; two cores take one at a time.</summary>
[CollectionDefinition("api-processes", DisableParallelization = true)]
public sealed class ApiProcessCollection;
