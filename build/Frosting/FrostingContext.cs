using Cake.Core;

namespace Cake.Frosting;

/// <summary>
/// The base class of a build's context. Derive from it, take <see cref="ICakeContext"/> in the constructor,
/// and register the derived type with <c>CakeHost.UseContext&lt;T&gt;()</c>.
/// </summary>
public class FrostingContext(ICakeContext context) : CakeContextAdapter(context), IFrostingContext
{
}
