import { html, type TemplateResult } from 'lit';
import type { LocationElem } from '../../../protocol/elems.js';
import { formatCoordinates } from '../../format.js';
import type { ElemContext } from './context.js';

/** The OpenStreetMap page centred on a point, with a marker. */
export function mapUrl(latitude: number, longitude: number): string {
  const lat = latitude.toFixed(6);
  const lon = longitude.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/** A location card (no map tiles): description and coordinates, linking to OpenStreetMap. */
export function renderLocation(elem: LocationElem, ctx: ElemContext): TemplateResult {
  return html`<a
    part="location"
    class="card"
    href=${mapUrl(elem.latitude, elem.longitude)}
    target="_blank"
    rel="noopener noreferrer"
    title=${ctx.t.openMap}
  >
    <span part="location-icon" class="card-icon" aria-hidden="true">📍</span>
    <span class="card-text">
      <span part="location-description" class="card-title">${elem.description || ctx.t.location}</span>
      <span part="location-coordinates" class="card-detail">${formatCoordinates(elem.latitude, elem.longitude)}</span>
    </span>
  </a>`;
}
