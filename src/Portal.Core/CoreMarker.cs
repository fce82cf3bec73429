namespace Portal; internal static class CoreMarker;
