"""The public static site of the exemplars (issue 10, point 4): typed input in, a folder out."""

from reports.site.build import build_site
from reports.site.folder import SiteFolderError, write_site
from reports.site.models import Site, SiteExemplar, SitePhoto

__all__ = ["Site", "SiteExemplar", "SiteFolderError", "SitePhoto", "build_site", "write_site"]
