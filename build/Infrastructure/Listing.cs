namespace Build.Infrastructure;

/// <summary>
/// One problem that concerns many services is said once: the first few names, then how many more. (With 200
/// services a repeated mistake would otherwise be 200 near-identical lines.)
/// </summary>
public static class Listing
{
    /// <summary>How many names a message shows before "and N more".</summary>
    public const int Shown = 3;

    /// <summary><c>a</c>, <c>a, b</c>, <c>a, b, c</c>, <c>a, b, c and 197 more</c>.</summary>
    public static string Few(IReadOnlyCollection<string> names, int shown = Shown) =>
        names.Count <= shown
            ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(shown))} and {names.Count - shown} more";
}
