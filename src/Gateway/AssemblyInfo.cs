using System.Runtime.CompilerServices;

// The codec tests hold the one-pass readers and writers to the general ones.
[assembly: InternalsVisibleTo("SmartElek.Gateway.Tests")]

namespace SmartElek.Gateway;
