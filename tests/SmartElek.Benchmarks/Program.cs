using System.Reflection;
using BenchmarkDotNet.Running;

namespace SmartElek.Benchmarks;

/// <summary>A scale run: a real workload that prints its own figures (not a micro-benchmark).</summary>
public interface IScaleRun
{
    /// <summary>The name given after <c>scale</c> on the command line.</summary>
    string Name { get; }
    Task RunAsync(string[] args);
}

public static class Program
{
    // dotnet run -c Release --project tests/SmartElek.Benchmarks -- [BenchmarkDotNet args]
    // dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale <name> [args]
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            var runs = typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IScaleRun).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
                .Select(t => (IScaleRun)Activator.CreateInstance(t)!)
                .ToDictionary(r => r.Name);
            if (args.Length < 2 || !runs.TryGetValue(args[1], out var run))
            {
                Console.Error.WriteLine($"scale runs: {string.Join(", ", runs.Keys.Order())}");
                return 2;
            }
            await run.RunAsync(args[2..]);
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
        return 0;
    }
}
