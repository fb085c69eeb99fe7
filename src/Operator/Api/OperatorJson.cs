using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartElek.Operator.Api;

/// <summary>The JSON metadata of every type the API reads or writes (System.Text.Json source generation).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SiteDto))]
[JsonSerializable(typeof(CircuitsDto))]
[JsonSerializable(typeof(ChargerPageDto))]
[JsonSerializable(typeof(ChargerDetailDto))]
[JsonSerializable(typeof(Users.LoginRequest))]
[JsonSerializable(typeof(Users.MeDto))]
[JsonSerializable(typeof(Users.UserDto))]
[JsonSerializable(typeof(List<Users.UserDto>))]
[JsonSerializable(typeof(Users.CreateUserRequest))]
[JsonSerializable(typeof(Users.UpdateUserRequest))]
[JsonSerializable(typeof(Users.AssignChargersRequest))]
[JsonSerializable(typeof(Users.CreateTokenRequest))]
[JsonSerializable(typeof(Users.TokenCreatedDto))]
[JsonSerializable(typeof(Users.TokenDto))]
[JsonSerializable(typeof(List<Users.TokenDto>))]
[JsonSerializable(typeof(Users.SetupRequest))]
[JsonSerializable(typeof(Commands.SettingsChangeDto))]
[JsonSerializable(typeof(Commands.CommandResultDto))]
[JsonSerializable(typeof(Commands.AvailabilityRequest))]
[JsonSerializable(typeof(Commands.SetActionRequest))]
[JsonSerializable(typeof(SettingsDto))]
[JsonSerializable(typeof(List<SessionDto>))]
[JsonSerializable(typeof(SessionCostDto))]
[JsonSerializable(typeof(Commissioning.CommissioningDto))]
[JsonSerializable(typeof(Commissioning.PermitJoinRequest))]
[JsonSerializable(typeof(Commissioning.PlaceChargerRequest))]
[JsonSerializable(typeof(Commissioning.CircuitRequest))]
[JsonSerializable(typeof(Commissioning.TopologyChangedDto))]
[JsonSerializable(typeof(Commissioning.PoweredUpDto))]
internal sealed partial class OperatorJson : JsonSerializerContext;
