namespace ClusterSim;

/// <summary>The two ways Kubernetes prints durations.</summary>
internal static class Durations
{
    /// <summary>apimachinery's duration.HumanDuration, used for AGE columns: "45s", "3m20s", "15m", "2h5m", "3d".</summary>
    public static string Human(TimeSpan d)
    {
        var seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        var days = hours / 24;
        return hours < 24 * 365 * 8 && days % 365 != 0 ? $"{days / 365}y{days % 365}d" : $"{days / 365}y";
    }

    /// <summary>
    /// Go's time.Duration.String of a duration truncated to milliseconds, as the kubelet's Pulled event and back-off
    /// messages print it: "312ms", "1.594s", "10s", "1m2.5s", "5m0s".
    /// </summary>
    public static string GoMilliseconds(TimeSpan d)
    {
        var millis = (long)d.TotalMilliseconds;
        if (millis <= 0)
        {
            return "0s";
        }

        if (millis < 1000)
        {
            return $"{millis}ms";
        }

        var seconds = (millis % 60_000 / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var minutes = millis / 60_000;
        return minutes == 0 ? $"{seconds}s" : minutes < 60 ? $"{minutes}m{seconds}s" : $"{minutes / 60}h{minutes % 60}m{seconds}s";
    }
}
