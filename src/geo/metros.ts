/**
 * Catalog of metropolitan areas where users and compute live: every major cloud region city plus the
 * largest population centres of each continent.
 *
 * - `lat`/`lon`: city centre (or the data-centre town for cloud regions outside a city), rounded to 0.01°.
 * - `demandWeight`: approximate urban-agglomeration population in millions (rounded, circa 2025, from
 *   public census figures and the UN World Urbanization Prospects). It is a relative proxy for
 *   Internet / AI demand, not measured traffic; data-centre towns carry their own small population.
 * - `utcOffsetHours`: standard (winter) time offset; daylight saving is not modelled.
 * - `country`: ISO 3166-1 alpha-2.
 */

export const REGIONS = [
  'north-america',
  'south-america',
  'europe',
  'africa',
  'middle-east',
  'asia',
  'oceania',
] as const;
export type Region = (typeof REGIONS)[number];

export interface Metro {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lat: number;
  lon: number;
  region: Region;
  /** Relative demand weight: metro population in millions (see the file comment). */
  demandWeight: number;
  /** Standard-time UTC offset in hours. */
  utcOffsetHours: number;
}

type Row = [id: string, name: string, country: string, lat: number, lon: number, pop: number, utc: number];

const NORTH_AMERICA: Row[] = [
  ['new-york', 'New York', 'US', 40.71, -74.01, 20.1, -5],
  ['ashburn', 'Ashburn (Washington DC area)', 'US', 39.04, -77.49, 6.3, -5],
  ['boston', 'Boston', 'US', 42.36, -71.06, 4.9, -5],
  ['philadelphia', 'Philadelphia', 'US', 39.95, -75.17, 6.2, -5],
  ['pittsburgh', 'Pittsburgh', 'US', 40.44, -80.0, 2.4, -5],
  ['columbus', 'Columbus (Ohio)', 'US', 39.96, -83.0, 2.1, -5],
  ['detroit', 'Detroit', 'US', 42.33, -83.05, 4.4, -5],
  ['atlanta', 'Atlanta', 'US', 33.75, -84.39, 6.2, -5],
  ['miami', 'Miami', 'US', 25.76, -80.19, 6.1, -5],
  ['charleston', 'Charleston / Moncks Corner (South Carolina)', 'US', 32.78, -79.93, 0.8, -5],
  ['chicago', 'Chicago', 'US', 41.88, -87.63, 9.4, -6],
  ['minneapolis', 'Minneapolis', 'US', 44.98, -93.27, 3.7, -6],
  ['st-louis', 'St. Louis', 'US', 38.63, -90.2, 2.8, -6],
  ['kansas-city', 'Kansas City', 'US', 39.1, -94.58, 2.2, -6],
  ['council-bluffs', 'Council Bluffs / Omaha (Iowa)', 'US', 41.26, -95.86, 1.0, -6],
  ['des-moines', 'Des Moines (Iowa)', 'US', 41.59, -93.62, 0.7, -6],
  ['dallas', 'Dallas', 'US', 32.78, -96.8, 7.9, -6],
  ['houston', 'Houston', 'US', 29.76, -95.37, 7.3, -6],
  ['austin', 'Austin', 'US', 30.27, -97.74, 2.4, -6],
  ['san-antonio', 'San Antonio', 'US', 29.42, -98.49, 2.6, -6],
  ['denver', 'Denver', 'US', 39.74, -104.99, 3.0, -7],
  ['cheyenne', 'Cheyenne (Wyoming)', 'US', 41.14, -104.82, 0.1, -7],
  ['salt-lake-city', 'Salt Lake City', 'US', 40.76, -111.89, 1.3, -7],
  ['phoenix', 'Phoenix', 'US', 33.45, -112.07, 5.0, -7],
  ['las-vegas', 'Las Vegas', 'US', 36.17, -115.14, 2.3, -8],
  ['los-angeles', 'Los Angeles', 'US', 34.05, -118.24, 13.0, -8],
  ['san-francisco', 'San Francisco', 'US', 37.77, -122.42, 4.7, -8],
  ['san-jose', 'San Jose (Silicon Valley)', 'US', 37.34, -121.89, 2.0, -8],
  ['portland', 'Portland / Hillsboro (Oregon)', 'US', 45.52, -122.68, 2.5, -8],
  ['the-dalles', 'The Dalles (Oregon)', 'US', 45.6, -121.18, 0.02, -8],
  ['boardman', 'Boardman (Oregon)', 'US', 45.84, -119.7, 0.05, -8],
  ['seattle', 'Seattle', 'US', 47.61, -122.33, 4.0, -8],
  ['quincy', 'Quincy (Washington)', 'US', 47.23, -119.85, 0.01, -8],
  ['honolulu', 'Honolulu', 'US', 21.31, -157.86, 1.0, -10],
  ['toronto', 'Toronto', 'CA', 43.65, -79.38, 6.4, -5],
  ['montreal', 'Montreal', 'CA', 45.5, -73.57, 4.3, -5],
  ['quebec-city', 'Quebec City', 'CA', 46.81, -71.21, 0.8, -5],
  ['calgary', 'Calgary', 'CA', 51.05, -114.07, 1.5, -7],
  ['vancouver', 'Vancouver', 'CA', 49.28, -123.12, 2.6, -8],
  ['mexico-city', 'Mexico City', 'MX', 19.43, -99.13, 22.0, -6],
  ['queretaro', 'Querétaro', 'MX', 20.59, -100.39, 1.6, -6],
  ['guadalajara', 'Guadalajara', 'MX', 20.67, -103.35, 5.3, -6],
  ['monterrey', 'Monterrey', 'MX', 25.69, -100.32, 5.3, -6],
  ['panama-city', 'Panama City', 'PA', 8.98, -79.52, 1.9, -5],
];

const SOUTH_AMERICA: Row[] = [
  ['sao-paulo', 'São Paulo', 'BR', -23.55, -46.63, 22.4, -3],
  ['rio-de-janeiro', 'Rio de Janeiro', 'BR', -22.91, -43.17, 13.6, -3],
  ['fortaleza', 'Fortaleza', 'BR', -3.73, -38.52, 4.1, -3],
  ['buenos-aires', 'Buenos Aires', 'AR', -34.6, -58.38, 15.4, -3],
  ['montevideo', 'Montevideo', 'UY', -34.9, -56.16, 1.8, -3],
  ['santiago', 'Santiago', 'CL', -33.45, -70.67, 6.9, -4],
  ['lima', 'Lima', 'PE', -12.05, -77.04, 11.0, -5],
  ['bogota', 'Bogotá', 'CO', 4.71, -74.07, 11.3, -5],
  ['quito', 'Quito', 'EC', -0.18, -78.47, 2.0, -5],
  ['caracas', 'Caracas', 'VE', 10.48, -66.9, 2.9, -4],
];

const EUROPE: Row[] = [
  ['london', 'London', 'GB', 51.51, -0.13, 14.3, 0],
  ['manchester', 'Manchester', 'GB', 53.48, -2.24, 2.8, 0],
  ['cardiff', 'Cardiff', 'GB', 51.48, -3.18, 1.1, 0],
  ['dublin', 'Dublin', 'IE', 53.35, -6.26, 1.4, 0],
  ['lisbon', 'Lisbon', 'PT', 38.72, -9.14, 2.9, 0],
  ['paris', 'Paris', 'FR', 48.86, 2.35, 11.1, 1],
  ['lille', 'Lille / Roubaix', 'FR', 50.63, 3.06, 1.2, 1],
  ['strasbourg', 'Strasbourg', 'FR', 48.57, 7.75, 0.8, 1],
  ['marseille', 'Marseille', 'FR', 43.3, 5.37, 1.9, 1],
  ['brussels', 'Brussels', 'BE', 50.85, 4.35, 2.1, 1],
  ['amsterdam', 'Amsterdam', 'NL', 52.37, 4.9, 2.5, 1],
  ['groningen', 'Groningen / Eemshaven', 'NL', 53.22, 6.57, 0.5, 1],
  ['luxembourg', 'Luxembourg', 'LU', 49.61, 6.13, 0.6, 1],
  ['frankfurt', 'Frankfurt', 'DE', 50.11, 8.68, 5.8, 1],
  ['dusseldorf', 'Düsseldorf', 'DE', 51.23, 6.78, 1.5, 1],
  ['hamburg', 'Hamburg', 'DE', 53.55, 9.99, 3.3, 1],
  ['berlin', 'Berlin', 'DE', 52.52, 13.4, 4.5, 1],
  ['munich', 'Munich', 'DE', 48.14, 11.58, 2.9, 1],
  ['nuremberg', 'Nuremberg', 'DE', 49.45, 11.08, 1.4, 1],
  ['falkenstein', 'Falkenstein (Saxony)', 'DE', 50.48, 12.37, 0.03, 1],
  ['zurich', 'Zurich', 'CH', 47.38, 8.54, 1.4, 1],
  ['geneva', 'Geneva', 'CH', 46.2, 6.14, 0.6, 1],
  ['vienna', 'Vienna', 'AT', 48.21, 16.37, 2.0, 1],
  ['prague', 'Prague', 'CZ', 50.08, 14.44, 1.3, 1],
  ['warsaw', 'Warsaw', 'PL', 52.23, 21.01, 1.8, 1],
  ['budapest', 'Budapest', 'HU', 47.5, 19.04, 1.8, 1],
  ['belgrade', 'Belgrade', 'RS', 44.79, 20.45, 1.4, 1],
  ['milan', 'Milan', 'IT', 45.46, 9.19, 3.1, 1],
  ['turin', 'Turin', 'IT', 45.07, 7.69, 1.8, 1],
  ['rome', 'Rome', 'IT', 41.9, 12.5, 4.3, 1],
  ['madrid', 'Madrid', 'ES', 40.42, -3.7, 6.6, 1],
  ['barcelona', 'Barcelona', 'ES', 41.39, 2.17, 5.6, 1],
  ['zaragoza', 'Zaragoza (Aragón)', 'ES', 41.65, -0.89, 0.7, 1],
  ['copenhagen', 'Copenhagen', 'DK', 55.68, 12.57, 1.4, 1],
  ['oslo', 'Oslo', 'NO', 59.91, 10.75, 1.1, 1],
  ['stavanger', 'Stavanger', 'NO', 58.97, 5.73, 0.2, 1],
  ['stockholm', 'Stockholm', 'SE', 59.33, 18.07, 1.7, 1],
  ['gavle', 'Gävle', 'SE', 60.67, 17.14, 0.1, 1],
  ['helsinki', 'Helsinki', 'FI', 60.17, 24.94, 1.3, 2],
  ['hamina', 'Hamina', 'FI', 60.57, 27.2, 0.02, 2],
  ['vilnius', 'Vilnius', 'LT', 54.69, 25.28, 0.7, 2],
  ['bucharest', 'Bucharest', 'RO', 44.43, 26.1, 1.8, 2],
  ['sofia', 'Sofia', 'BG', 42.7, 23.32, 1.3, 2],
  ['athens', 'Athens', 'GR', 37.98, 23.73, 3.2, 2],
  ['kyiv', 'Kyiv', 'UA', 50.45, 30.52, 3.0, 2],
  ['istanbul', 'Istanbul', 'TR', 41.01, 28.98, 15.6, 3],
  ['moscow', 'Moscow', 'RU', 55.76, 37.62, 12.6, 3],
  ['st-petersburg', 'Saint Petersburg', 'RU', 59.93, 30.36, 5.5, 3],
];

const AFRICA: Row[] = [
  ['johannesburg', 'Johannesburg', 'ZA', -26.2, 28.05, 6.2, 2],
  ['cape-town', 'Cape Town', 'ZA', -33.92, 18.42, 4.8, 2],
  ['lagos', 'Lagos', 'NG', 6.52, 3.38, 15.4, 1],
  ['accra', 'Accra', 'GH', 5.6, -0.19, 2.6, 0],
  ['dakar', 'Dakar', 'SN', 14.72, -17.47, 3.3, 0],
  ['casablanca', 'Casablanca', 'MA', 33.57, -7.59, 3.8, 1],
  ['algiers', 'Algiers', 'DZ', 36.75, 3.06, 3.0, 1],
  ['cairo', 'Cairo', 'EG', 30.04, 31.24, 22.2, 2],
  ['nairobi', 'Nairobi', 'KE', -1.29, 36.82, 5.3, 3],
  ['addis-ababa', 'Addis Ababa', 'ET', 9.03, 38.74, 5.5, 3],
  ['dar-es-salaam', 'Dar es Salaam', 'TZ', -6.79, 39.21, 7.8, 3],
  ['kinshasa', 'Kinshasa', 'CD', -4.44, 15.27, 16.3, 1],
];

const MIDDLE_EAST: Row[] = [
  ['tel-aviv', 'Tel Aviv', 'IL', 32.09, 34.78, 4.4, 2],
  ['amman', 'Amman', 'JO', 31.95, 35.93, 2.3, 3],
  ['baghdad', 'Baghdad', 'IQ', 33.31, 44.37, 7.5, 3],
  ['riyadh', 'Riyadh', 'SA', 24.71, 46.68, 7.7, 3],
  ['jeddah', 'Jeddah', 'SA', 21.49, 39.19, 4.8, 3],
  ['dammam', 'Dammam', 'SA', 26.43, 50.1, 1.3, 3],
  ['manama', 'Manama', 'BH', 26.23, 50.59, 0.7, 3],
  ['doha', 'Doha', 'QA', 25.29, 51.53, 2.4, 3],
  ['dubai', 'Dubai', 'AE', 25.2, 55.27, 3.6, 4],
  ['abu-dhabi', 'Abu Dhabi', 'AE', 24.45, 54.38, 1.5, 4],
  ['tehran', 'Tehran', 'IR', 35.69, 51.39, 9.5, 3.5],
];

const ASIA: Row[] = [
  ['tokyo', 'Tokyo', 'JP', 35.68, 139.69, 37.3, 9],
  ['osaka', 'Osaka', 'JP', 34.69, 135.5, 19.0, 9],
  ['seoul', 'Seoul', 'KR', 37.57, 126.98, 10.0, 9],
  ['busan', 'Busan', 'KR', 35.18, 129.08, 3.5, 9],
  ['beijing', 'Beijing', 'CN', 39.9, 116.41, 22.0, 8],
  ['shanghai', 'Shanghai', 'CN', 31.23, 121.47, 29.0, 8],
  ['guangzhou', 'Guangzhou', 'CN', 23.13, 113.26, 14.0, 8],
  ['shenzhen', 'Shenzhen', 'CN', 22.54, 114.06, 13.0, 8],
  ['chengdu', 'Chengdu', 'CN', 30.57, 104.07, 9.5, 8],
  ['hong-kong', 'Hong Kong', 'HK', 22.32, 114.17, 7.5, 8],
  ['taipei', 'Taipei', 'TW', 25.03, 121.57, 7.0, 8],
  ['changhua', 'Changhua', 'TW', 24.08, 120.54, 1.3, 8],
  ['manila', 'Manila', 'PH', 14.6, 120.98, 14.9, 8],
  ['singapore', 'Singapore', 'SG', 1.35, 103.82, 6.0, 8],
  ['kuala-lumpur', 'Kuala Lumpur', 'MY', 3.14, 101.69, 8.6, 8],
  ['jakarta', 'Jakarta', 'ID', -6.21, 106.85, 11.2, 7],
  ['bangkok', 'Bangkok', 'TH', 13.76, 100.5, 11.2, 7],
  ['ho-chi-minh-city', 'Ho Chi Minh City', 'VN', 10.82, 106.63, 9.3, 7],
  ['hanoi', 'Hanoi', 'VN', 21.03, 105.85, 5.3, 7],
  ['dhaka', 'Dhaka', 'BD', 23.81, 90.41, 23.9, 6],
  ['kolkata', 'Kolkata', 'IN', 22.57, 88.36, 15.6, 5.5],
  ['delhi', 'Delhi', 'IN', 28.61, 77.21, 34.7, 5.5],
  ['mumbai', 'Mumbai', 'IN', 19.08, 72.88, 21.7, 5.5],
  ['pune', 'Pune', 'IN', 18.52, 73.86, 7.3, 5.5],
  ['hyderabad', 'Hyderabad', 'IN', 17.39, 78.49, 11.1, 5.5],
  ['bangalore', 'Bangalore', 'IN', 12.97, 77.59, 14.0, 5.5],
  ['chennai', 'Chennai', 'IN', 13.08, 80.27, 12.0, 5.5],
  ['karachi', 'Karachi', 'PK', 24.86, 67.01, 17.6, 5],
  ['lahore', 'Lahore', 'PK', 31.55, 74.34, 14.4, 5],
  ['tashkent', 'Tashkent', 'UZ', 41.3, 69.24, 2.6, 5],
  ['almaty', 'Almaty', 'KZ', 43.24, 76.95, 2.0, 5],
];

const OCEANIA: Row[] = [
  ['sydney', 'Sydney', 'AU', -33.87, 151.21, 5.4, 10],
  ['melbourne', 'Melbourne', 'AU', -37.81, 144.96, 5.3, 10],
  ['canberra', 'Canberra', 'AU', -35.28, 149.13, 0.5, 10],
  ['brisbane', 'Brisbane', 'AU', -27.47, 153.03, 2.6, 10],
  ['adelaide', 'Adelaide', 'AU', -34.93, 138.6, 1.4, 9.5],
  ['perth', 'Perth', 'AU', -31.95, 115.86, 2.2, 8],
  ['auckland', 'Auckland', 'NZ', -36.85, 174.76, 1.7, 12],
];

function toMetros(region: Region, rows: readonly Row[]): Metro[] {
  return rows.map(([id, name, country, lat, lon, demandWeight, utcOffsetHours]) => ({
    id,
    name,
    country,
    lat,
    lon,
    region,
    demandWeight,
    utcOffsetHours,
  }));
}

export const METROS: readonly Metro[] = Object.freeze([
  ...toMetros('north-america', NORTH_AMERICA),
  ...toMetros('south-america', SOUTH_AMERICA),
  ...toMetros('europe', EUROPE),
  ...toMetros('africa', AFRICA),
  ...toMetros('middle-east', MIDDLE_EAST),
  ...toMetros('asia', ASIA),
  ...toMetros('oceania', OCEANIA),
]);

const BY_ID: ReadonlyMap<string, Metro> = new Map(METROS.map((m) => [m.id, m]));

/** The metro with this id, or undefined. */
export function metroById(id: string): Metro | undefined {
  return BY_ID.get(id);
}
