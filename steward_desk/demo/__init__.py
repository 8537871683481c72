"""The demo league: a recipe (resources/demo/league.toml) turned into real inputs."""
