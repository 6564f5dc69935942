import Providers

/// Typed reads of a provider's `options:` map, each failure naming the option, its line and the fix.
struct ProviderOptionReader {
    let definition: ProviderDefinition
    /// Option names the adapter understands; any other is refused (a typo must not pass silently).
    let known: Set<String>

    func validateKeys() throws {
        for (key, option) in definition.options where !known.contains(key) {
            throw error(
                option.location,
                "unknown option '\(key)'; this kind understands: \(known.sorted().joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws -> String? {
        guard let option = definition.options[key] else { return nil }
        guard let text = option.scalar else { throw error(option.location, "option '\(key)' must be a single value") }
        return text
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw error(
                definition.options[key]!.location,
                "option '\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    func flag(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(definition.options[key]!.location, "option '\(key)' must be true or false, not '\(text)'")
        }
    }

    /// A secret from the environment variable the policy names with `<name>_env`.
    func secret(_ name: String, environment: [String: String], required: Bool) throws -> String? {
        guard let variable = definition.secretEnvironment[name] else {
            guard !required else {
                throw error(definition.location, "set `\(name)_env: VARIABLE` and put the secret in that variable")
            }
            return nil
        }
        guard let value = environment[variable], !value.isEmpty else {
            throw error(
                definition.location, "the environment variable \(variable) (from `\(name)_env`) is not set or empty")
        }
        return value
    }

    func error(_ location: PolicyLocation, _ message: String) -> ProviderSetupError {
        ProviderSetupError(provider: definition.name, location: location, message: message)
    }

    /// `inputs:` renames the common SD template's fields to the model's own input names.
    func inputMapping() throws -> ModelInputMapping {
        var mapping = ModelInputMapping.stableDiffusionTemplate
        guard let option = definition.options["inputs"] else { return mapping }
        guard case .mapping(let entries) = option.value else {
            throw error(option.location, "`inputs` must map our field names to the model's input names")
        }
        for (field, value) in entries {
            guard let name = value.scalar, !name.isEmpty else {
                throw error(value.location, "inputs.\(field) must be a non-empty name (or leave it out)")
            }
            switch field {
            case "prompt": mapping.prompt = name
            case "negative_prompt": mapping.negativePrompt = name
            case "width": mapping.width = name
            case "height": mapping.height = name
            case "steps": mapping.steps = name
            case "guidance": mapping.guidance = name
            case "seed": mapping.seed = name
            case "scheduler": mapping.scheduler = name
            case "image_output": mapping.imageOutput = name
            default:
                throw error(
                    value.location,
                    "inputs.\(field) is not a field; use prompt, negative_prompt, width, height, steps, guidance, "
                        + "seed, scheduler or image_output")
            }
        }
        return mapping
    }
}
