package com.careledger.bench;

import java.util.List;

/**
 * What each of the seven facility types offers in the generated data: services (health care, GST-exempt,
 * SAC codes) and, for the medical store and the hospital pharmacy, products with GST. Prices in paise.
 * Also how busy a type is relative to the size's base rate, and who sees its patients.
 */
final class Catalogue {

    record Service(String code, String name, String category, long pricePaise, String sac, int minutes, int weight) {
    }

    record Product(String name, String hsn, String gstRate, long pricePaise, long mrpPaise, String unit, int weight) {
    }

    /** A facility type: its services, products, staff who see patients, and its share of the visits. */
    record Type(String name, String label, String prefix, List<Service> services, List<Product> products,
                String staffKind, int clinicians, double busyness, int slotMinutes) {
        boolean counterSalesOnly() {
            return services.isEmpty();
        }
    }

    private static final List<Product> PHARMACY = List.of(
            new Product("Paracetamol 650 mg tablets (15)", "30049099", "0.05", 3200, 3360, "strip", 20),
            new Product("Amoxicillin 500 mg capsules (10)", "30041010", "0.12", 9800, 10976, "strip", 10),
            new Product("Metformin 500 mg tablets (20)", "30049099", "0.05", 4500, 4725, "strip", 12),
            new Product("Atorvastatin 10 mg tablets (15)", "30049099", "0.12", 11500, 12880, "strip", 8),
            new Product("Oral rehydration salts 21 g", "30049099", "0.05", 2000, 2100, "sachet", 10),
            new Product("Cetirizine 10 mg tablets (10)", "30049099", "0.12", 1800, 2016, "strip", 10),
            new Product("Insulin glargine 100 IU/ml pen", "30043110", "0.05", 72000, 75600, "pen", 3),
            new Product("Hand sanitiser 500 ml", "38089400", "0.18", 21186, 25000, "bottle", 4),
            new Product("Digital thermometer", "90251990", "0.18", 16950, 20001, "piece", 2),
            new Product("Cough syrup 100 ml", "30049099", "0.12", 9500, 10640, "bottle", 8));

    static final List<Type> TYPES = List.of(
            new Type("hospital", "Hospital", "H", List.of(
                    new Service("OPD-CONS", "OPD consultation", "consultation", 50000, "999312", 15, 30),
                    new Service("OPD-FOLLOWUP", "Follow-up consultation", "consultation", 30000, "999312", 10, 20),
                    new Service("LAB-CBC", "Complete blood count (CBC)", "lab_test", 35000, "999316", 10, 12),
                    new Service("XRAY-CHEST", "X-ray chest PA view", "imaging", 60000, "999316", 20, 8),
                    new Service("ECG", "Electrocardiogram (ECG)", "procedure", 25000, "999316", 15, 8),
                    new Service("MRI-BRAIN", "MRI brain plain", "imaging", 650000, "999316", 30, 3),
                    new Service("DAYCARE", "Day-care admission package", "package", 1850000, "999311", 30, 2)),
                    PHARMACY, "doctor", 6, 2.0, 30),
            new Type("clinic", "Clinic", "C", List.of(
                    new Service("GP-CONS", "General physician consultation", "consultation", 30000, "999312", 15, 50),
                    new Service("BP-SUGAR", "BP and blood sugar check", "procedure", 10000, "999312", 10, 20),
                    new Service("DRESSING", "Wound dressing", "procedure", 20000, "999312", 15, 10),
                    new Service("VACCINE", "Vaccination (administration)", "procedure", 80000, "999312", 10, 8),
                    new Service("PHYSIO", "Physiotherapy session", "therapy", 60000, "999312", 30, 12)),
                    List.of(), "doctor", 2, 1.0, 30),
            new Type("lab", "Lab", "L", List.of(
                    new Service("LAB-CBC", "Complete blood count (CBC)", "lab_test", 30000, "999316", 10, 30),
                    new Service("LAB-LIPID", "Lipid profile", "lab_test", 70000, "999316", 10, 20),
                    new Service("LAB-TSH", "Thyroid stimulating hormone (TSH)", "lab_test", 45000, "999316", 10, 15),
                    new Service("LAB-HBA1C", "Glycated haemoglobin (HbA1c)", "lab_test", 55000, "999316", 10, 15),
                    new Service("LAB-VITD", "Vitamin D (25-OH)", "lab_test", 120000, "999316", 10, 10),
                    new Service("LAB-LFT", "Liver function tests", "lab_test", 65000, "999316", 10, 10)),
                    List.of(), "lab_tech", 3, 1.2, 15),
            new Type("ivf_centre", "IVF Centre", "I", List.of(
                    new Service("IVF-CONS", "Fertility consultation", "consultation", 100000, "999312", 30, 40),
                    new Service("USG-FOLLICLE", "Follicular monitoring scan", "imaging", 150000, "999316", 20, 35),
                    new Service("IUI", "Intrauterine insemination", "ivf", 1200000, "999312", 30, 15),
                    new Service("IVF-CYCLE", "IVF cycle (ICSI)", "ivf", 15000000, "999312", 60, 5),
                    new Service("EMBRYO-FREEZE", "Embryo freezing, one year", "ivf", 3500000, "999312", 30, 5)),
                    List.of(), "doctor", 3, 0.4, 60),
            new Type("medical_store", "Medical Store", "M", List.of(), PHARMACY, "billing", 0, 1.5, 0),
            new Type("blood_bank", "Blood Bank", "B", List.of(
                    new Service("PRBC", "Packed red blood cells, one unit", "blood_component", 145000, "999317", 30, 40),
                    new Service("FFP", "Fresh frozen plasma, one unit", "blood_component", 80000, "999317", 30, 20),
                    new Service("PLATELETS", "Random donor platelets, one unit", "blood_component", 110000, "999317", 30, 20),
                    new Service("CROSSMATCH", "Grouping and cross-match", "lab_test", 30000, "999316", 15, 20)),
                    List.of(), "lab_tech", 2, 0.5, 30),
            new Type("diagnostic_centre", "Diagnostics", "D", List.of(
                    new Service("USG-ABD", "Ultrasound abdomen", "imaging", 120000, "999316", 20, 30),
                    new Service("CT-HEAD", "CT head plain", "imaging", 300000, "999316", 20, 15),
                    new Service("MRI-KNEE", "MRI knee", "imaging", 750000, "999316", 45, 10),
                    new Service("XRAY", "X-ray, one view", "imaging", 50000, "999316", 10, 30),
                    new Service("ECHO", "2D echocardiography", "imaging", 200000, "999316", 30, 15)),
                    List.of(), "lab_tech", 4, 1.0, 60));

    static final String[] CITIES = {"Pune", "Mumbai", "Nashik", "Nagpur", "Aurangabad", "Kolhapur", "Thane", "Solapur",
            "Bengaluru", "Mysuru", "Hubballi", "Mangaluru"};

    static final String[] FIRST = {"Anil", "Sunita", "Rahul", "Priya", "Amit", "Kavita", "Vijay", "Neha", "Sanjay",
            "Pooja", "Rajesh", "Anjali", "Suresh", "Deepa", "Manoj", "Swati", "Ganesh", "Asha", "Prakash", "Meena"};

    static final String[] LAST = {"Gaikwad", "Pawar", "Shinde", "Patil", "Deshmukh", "Kulkarni", "Joshi", "Jadhav",
            "More", "Chavan", "Kale", "Bhosale", "Sharma", "Reddy", "Nair", "Iyer", "Shaikh", "Mehta", "Shah", "Rao"};

    private Catalogue() {
    }

    static int pick(int[] weights, int total, double u) {
        int x = (int) (u * total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
