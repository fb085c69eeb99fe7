using System.CommandLine;
using System.Reflection;
using BenchmarkDotNet.Running;

namespace SmartElek.Benchmarks;

/// <summary>A scale run: a real workload that prints its own figures (not a micro-benchmark).</summary>
public interface IScaleRun
{
    /// <summary>The name given after <c>scale</c> on the command line.</summary>
    string Name { get; }
    /// <summary>One line for <c>--help</c>: what the run measures.</summary>
    string Description { get; }
    /// <summary>Its options, each with its default; any other option is an error.</summary>
    IEnumerable<Option> Options => [];
    /// <summary>Its positional arguments, each with its default.</summary>
    IEnumerable<Argument> Arguments => [];
    /// <summary>Runs with the values of <see cref="Options"/> and <see cref="Arguments"/> from <paramref name="parse"/>.</summary>
    Task RunAsync(ParseResult parse);
}

public static class Program
{
    // dotnet run -c Release --project tests/SmartElek.Benchmarks -- [BenchmarkDotNet args]
    // dotnet run -c Release --project tests/SmartElek.Benchmarks -- scale <name> [options] (scale --help lists them)
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scale")
        {
            var scale = new Command("scale", "Scale runs: real workloads that print their own figures.");
            foreach (var run in typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IScaleRun).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
                .Select(t => (IScaleRun)Activator.CreateInstance(t)!)
                .OrderBy(r => r.Name, StringComparer.Ordinal))
            {
                var command = new Command(run.Name, run.Description);
                foreach (var option in run.Options) command.Options.Add(option);
                foreach (var argument in run.Arguments) command.Arguments.Add(argument);
                command.SetAction(run.RunAsync);
                scale.Subcommands.Add(command);
            }
            // No termination handler: Ctrl+C ends a run at once, as before (the runs take no cancellation).
            return await new RootCommand("SmartElek benchmarks") { scale }.Parse(args)
                .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
        }
        BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
        return 0;
    }
}
