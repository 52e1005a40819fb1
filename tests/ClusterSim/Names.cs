using System.Security.Cryptography;

namespace ClusterSim;

/// <summary>Random name parts the way apimachinery's rand package makes them (no vowels, no confusable digits).</summary>
internal static class Names
{
    public const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Five characters, as generateName and ReplicaSet pod names use.</summary>
    public static string RandomSuffix(int length = 5) =>
        new(Enumerable.Range(0, length).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]).ToArray());

    /// <summary>rand.SafeEncodeString: each character mapped into the alphabet.</summary>
    public static string SafeEncode(string text) => new(text.Select(c => Alphabet[c % Alphabet.Length]).ToArray());
}
