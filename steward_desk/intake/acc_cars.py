"""ACC car models: the number in `carModel` → a name and a class (FORMAT.md §8).

Files from ACC ≥ 1.8 carry the class in `carGroup`; older files do not, so the class is
derived from the model here, using the dedicated server's own group names (GT3, GT4, GT2,
GTC, TCX). Console servers (recognised by their name) use their own numbering for a few
cars; `car_model(..., console=True)` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN_CLASS = "Unknown"


@dataclass(frozen=True, slots=True)
class CarModel:
    id: int
    name: str
    car_class: str


def _table(rows: list[tuple[int, str, str]]) -> dict[int, CarModel]:
    return {row[0]: CarModel(*row) for row in rows}


# Handbook v1.10.2 ids. Cup (9, 28), Super Trofeo (18, 29) and Challenge (26) race in the
# server's GTC group, the M2 in TCX.
PC_CAR_MODELS: dict[int, CarModel] = _table(
    [
        (0, "Porsche 991 GT3 R", "GT3"),
        (1, "Mercedes-AMG GT3", "GT3"),
        (2, "Ferrari 488 GT3", "GT3"),
        (3, "Audi R8 LMS", "GT3"),
        (4, "Lamborghini Huracán GT3", "GT3"),
        (5, "McLaren 650S GT3", "GT3"),
        (6, "Nissan GT-R Nismo GT3 2018", "GT3"),
        (7, "BMW M6 GT3", "GT3"),
        (8, "Bentley Continental GT3 2018", "GT3"),
        (9, "Porsche 991 II GT3 Cup", "GTC"),
        (10, "Nissan GT-R Nismo GT3 2017", "GT3"),
        (11, "Bentley Continental GT3 2016", "GT3"),
        (12, "Aston Martin V12 Vantage GT3", "GT3"),
        (13, "Lamborghini Gallardo R-EX", "GT3"),
        (14, "Emil Frey Jaguar G3", "GT3"),
        (15, "Lexus RC F GT3", "GT3"),
        (16, "Lamborghini Huracán GT3 Evo", "GT3"),
        (17, "Honda NSX GT3", "GT3"),
        (18, "Lamborghini Huracán Super Trofeo", "GTC"),
        (19, "Audi R8 LMS Evo", "GT3"),
        (20, "Aston Martin V8 Vantage GT3", "GT3"),
        (21, "Honda NSX GT3 Evo", "GT3"),
        (22, "McLaren 720S GT3", "GT3"),
        (23, "Porsche 991 II GT3 R", "GT3"),
        (24, "Ferrari 488 GT3 Evo", "GT3"),
        (25, "Mercedes-AMG GT3 2020", "GT3"),
        (26, "Ferrari 488 Challenge Evo", "GTC"),
        (27, "BMW M2 CS Racing", "TCX"),
        (28, "Porsche 992 GT3 Cup", "GTC"),
        (29, "Lamborghini Huracán Super Trofeo Evo2", "GTC"),
        (30, "BMW M4 GT3", "GT3"),
        (31, "Audi R8 LMS Evo II", "GT3"),
        (32, "Ferrari 296 GT3", "GT3"),
        (33, "Lamborghini Huracán GT3 Evo2", "GT3"),
        (34, "Porsche 992 GT3 R", "GT3"),
        (35, "McLaren 720S GT3 Evo", "GT3"),
        (36, "Ford Mustang GT3", "GT3"),
        (50, "Alpine A110 GT4", "GT4"),
        (51, "Aston Martin Vantage GT4", "GT4"),
        (52, "Audi R8 LMS GT4", "GT4"),
        (53, "BMW M4 GT4", "GT4"),
        (55, "Chevrolet Camaro GT4.R", "GT4"),
        (56, "Ginetta G55 GT4", "GT4"),
        (57, "KTM X-Bow GT4", "GT4"),
        (58, "Maserati MC GT4", "GT4"),
        (59, "McLaren 570S GT4", "GT4"),
        (60, "Mercedes-AMG GT4", "GT4"),
        (61, "Porsche 718 Cayman GT4 Clubsport", "GT4"),
        (80, "Audi R8 LMS GT2", "GT2"),
        (82, "KTM X-Bow GT2", "GT2"),
        (83, "Maserati MC20 GT2", "GT2"),
        (84, "Mercedes-AMG GT2", "GT2"),
        (85, "Porsche 911 GT2 RS CS Evo", "GT2"),
        (86, "Porsche 935", "GT2"),
    ]
)

# Console servers number five cars differently: the BMW M4 GT3 reached consoles before the
# Challengers pack, so ids 26–30 are rotated against PC; 0–25 and 31–35 are the same car on
# both (the Xbox swap and the PS5/crossplay table of mauserrifle/simresults agree on this).
# 36 (Mustang) is assumed to follow PC: no console file with it has been seen.
CONSOLE_CAR_MODELS: dict[int, CarModel] = {
    **PC_CAR_MODELS,
    **_table(
        [
            (26, "BMW M4 GT3", "GT3"),
            (27, "Ferrari 488 Challenge Evo", "GTC"),
            (28, "BMW M2 CS Racing", "TCX"),
            (29, "Porsche 992 GT3 Cup", "GTC"),
            (30, "Lamborghini Huracán Super Trofeo Evo2", "GTC"),
        ]
    ),
}

_CONSOLE_MARKERS = ("xbox", "ps5", "crossplay")


def is_console_server(server_name: str) -> bool:
    """Console servers are recognised by their name, as simresults does (FORMAT.md §8)."""
    lowered = server_name.casefold()
    return any(marker in lowered for marker in _CONSOLE_MARKERS)


def car_model(model_id: int, *, console: bool = False) -> CarModel:
    """The model for an id; unknown ids get a readable placeholder and the Unknown class."""
    table = CONSOLE_CAR_MODELS if console else PC_CAR_MODELS
    found = table.get(model_id)
    if found is not None:
        return found
    suffix = " (console)" if console else ""
    return CarModel(model_id, f"Car model {model_id}{suffix}", UNKNOWN_CLASS)


def car_class(model_id: int, car_group: str | None, *, console: bool = False) -> str:
    """The class of a car: the file's `carGroup` when it has one, else derived from the model."""
    if car_group and car_group.strip():
        return car_group.strip()
    return car_model(model_id, console=console).car_class
