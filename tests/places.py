"""Named real places in and around Helsinki, lon/lat (WGS84)."""

from geo.points import point_at

RAILWAY_STATION = point_at(lon=24.9414, lat=60.1710)  # Kluuvi
ITAKESKUS_METRO = point_at(lon=25.0826, lat=60.2108)  # Itäkeskus shopping centre
SUOMENLINNA_CHURCH = point_at(lon=24.9877, lat=60.1454)
MALMI_AIRPORT = point_at(lon=25.0420, lat=60.2540)
HELSINKI_VANTAA_AIRPORT = point_at(lon=24.9633, lat=60.3172)  # Vantaa
TAPIOLA_ESPOO = point_at(lon=24.8050, lat=60.1750)  # Espoo
# The Gulf of Finland halfway to Tallinn: outside every Helsinki area.
OPEN_SEA = point_at(lon=24.9000, lat=59.8000)
# Helsinki's own sea area (osa-alue and neighbourhood "Aluemeri").
HELSINKI_SEA_AREA = point_at(lon=25.0256293, lat=59.983313)
# A vertex of Kluuvi (020), Kruununhaka (010) and Kaartinkaupunki (030) in
# the 2022 osa-alue file: on their shared borders.
KLUUVI_KRUUNUNHAKA_BORDER = point_at(lon=24.9512441, lat=60.1679723)


def square(centre, half_side=0.002):
    """A GeoJSON square around a point, ``half_side`` degrees each way."""
    lon, lat = centre.x, centre.y
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - half_side, lat - half_side],
                [lon + half_side, lat - half_side],
                [lon + half_side, lat + half_side],
                [lon - half_side, lat + half_side],
                [lon - half_side, lat - half_side],
            ]
        ],
    }
