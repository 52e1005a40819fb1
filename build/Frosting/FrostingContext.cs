using Cake.Core;

namespace Cake.Frosting;

/// <summary>
/// The base class of a build's context (and the context itself when none is registered). Derive from it, take
/// <see cref="ICakeContext"/> in the constructor, and register the derived type with <c>CakeHost.UseContext&lt;T&gt;()</c>.
/// </summary>
/// <param name="context">The Cake context every alias works on.</param>
public class FrostingContext(ICakeContext context) : CakeContextAdapter(context), IFrostingContext
{
}
