namespace ConnCheck.Coordinator.Config;

public sealed partial class ConfigLoader
{
    /// <summary>"did you mean" for misspelt keys, field names and types.</summary>
    private sealed partial class Reader
    {
        private static string Suggest(string given, IEnumerable<string> candidates)
        {
            if (given.Length > 64)
            {
                return "";
            }

            var best = candidates
                .Select(c => (Candidate: c, Distance: EditDistance(given.ToLowerInvariant(), c)))
                .Where(c => c.Distance <= Math.Max(1, given.Length / 3))
                .OrderBy(c => c.Distance)
                .FirstOrDefault();
            return best.Candidate is null ? "" : $" (did you mean '{best.Candidate}'?)";
        }

        // Optimal string alignment distance: a swap of two neighbours ("tpc") costs one edit.
        private static int EditDistance(string a, string b)
        {
            if (a.Length > 64 || b.Length > 64)
            {
                return int.MaxValue;
            }

            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
