using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BotBottle.Benchmarks;

/// <summary>Adds a throughput column: the benchmark's <c>Size</c> (bytes) divided by the mean time, in MB/s (10^6 bytes per second).</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn());

    private sealed class ThroughputColumn : IColumn
    {
        public string Id => "Throughput";

        public string ColumnName => "MB/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Body bytes / mean time, 10^6 bytes per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "NA";
            }

            var size = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Size")?.Value as int?
                ?? (benchmarkCase.Descriptor.Type.GetProperty("Size")?.GetValue(Activator.CreateInstance(benchmarkCase.Descriptor.Type)) as int?);
            if (size is null)
            {
                return "NA";
            }

            double seconds = stats.Mean / 1e9;
            return (size.Value / seconds / 1e6).ToString("N0", CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
