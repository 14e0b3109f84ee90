namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// The zone matrix for a terminal: destinations are numbered columns (named in a key below), split into
/// blocks so no line is wider than <c>width</c>. No '|' anywhere: the matrix sits in Nagios long text.
/// </summary>
public sealed class TextMatrix : IReporter
{
    /// <summary>--format matrix, and the section --matrix adds to the nagios report.</summary>
    public void Write(RunReport report, TextWriter output) => Write(ZoneMatrix.Build(report), output);

    private const int CellWidth = 7;
    private const int MaxLabel = 32;

    public static void Write(ZoneMatrix matrix, TextWriter output, int width = 120)
    {
        if (matrix.Rows.Count == 0)
        {
            output.WriteLine("Zone matrix: no results");
            return;
        }

        var labelWidth = Math.Clamp(matrix.Rows.Max(r => r.Label.Length), "zone/agent".Length, MaxLabel);
        var perBlock = Math.Max(1, (width - labelWidth) / (CellWidth + 1));
        output.WriteLine($"Zone matrix ({matrix.Rows.Count} vantage points x {matrix.Destinations.Count} destinations)");
        for (var start = 0; start < matrix.Destinations.Count; start += perBlock)
        {
            var count = Math.Min(perBlock, matrix.Destinations.Count - start);
            var header = Fit("zone/agent", labelWidth);
            for (var i = start; i < start + count; i++)
            {
                header += " " + $"[{i + 1}]".PadRight(CellWidth);
            }

            output.WriteLine(header.TrimEnd());
            foreach (var row in matrix.Rows)
            {
                var line = Fit(row.Label, labelWidth);
                for (var i = start; i < start + count; i++)
                {
                    line += " " + row.Cells[i].Word.PadRight(CellWidth);
                }

                output.WriteLine(line.TrimEnd());
            }

            if (start + count < matrix.Destinations.Count)
            {
                output.WriteLine();
            }
        }

        output.WriteLine("Destinations:");
        for (var i = 0; i < matrix.Destinations.Count; i++)
        {
            output.WriteLine(Fit($"  [{i + 1}] {matrix.Destinations[i]}", width).TrimEnd());
        }

        output.WriteLine("Legend:");
        foreach (var (state, meaning) in ZoneMatrix.Legend)
        {
            output.WriteLine($"  {ZoneMatrix.Word(state),-CellWidth} {meaning}");
        }
    }

    private static string Fit(string text, int width) =>
        text.Length <= width ? text.PadRight(width) : text[..(width - 1)] + "~";
}
