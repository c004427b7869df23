using BenchmarkDotNet.Running;

namespace BotBottle.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/BotBottle.Benchmarks -- --filter '*Dlp*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
